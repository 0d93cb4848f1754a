import { Logger } from '@nestjs/common';
import type { ChannelModel } from 'amqplib';
import type { AuditAppender } from '@mxg/audit';
import type { MxgConfigService } from '@mxg/config';
import { SystemClock } from '@mxg/core';
import type { BrokerConnection } from '../broker/broker-connection.service';
import type { ExchangeStore } from '../exchange/store/exchange.store';
import { OutboxSignal } from '../exchange/outbox-signal';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { OutboxRelay } from './outbox-relay.service';

/**
 * The relay's loop alone, against a stand-in repository and channel (the real broker and
 * database are exercised end to end in test/exchange*.e2e-spec.ts).
 */
describe(OutboxRelay.name, () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  function relayWith(
    claimOutbox: () => Promise<unknown[]>,
    signal = new OutboxSignal(),
    more: { abandon?: (reason: string) => void; markBatchPublished?: () => never } = {},
  ) {
    // A publish is never confirmed: only rows that are never published get this far.
    const channel = { on: () => undefined, close: () => Promise.resolve(), publish: () => true };
    const connection = { createConfirmChannel: () => Promise.resolve(channel) };
    const broker = {
      onConnected: (listener: (c: ChannelModel) => Promise<void>) =>
        void listener(connection as unknown as ChannelModel),
      abandon: more.abandon,
    } as unknown as BrokerConnection;
    const messages = {
      transaction: <T>(work: (tx: unknown) => Promise<T>) => work({}),
      claimOutbox,
      markBatchPublished: more.markBatchPublished,
    } as unknown as ExchangeStore;
    const config = {
      gateway: { party: 'KZ' },
      env: { MXG_PUBLISH_CONFIRM_TIMEOUT_MS: 50 },
    } as unknown as MxgConfigService;
    const sut = new OutboxRelay(
      config,
      new SystemClock(),
      broker,
      messages,
      {} as AuditAppender,
      signal,
      { outboxPublished: () => undefined } as unknown as GatewayMetrics,
    );
    return sut;
  }

  it('looks again at once when a signal came while a batch was out (regression: the signal was lost and the row waited for the idle poll)', async () => {
    let claims = 0;
    const signal = new OutboxSignal();
    const sut = relayWith(async () => {
      claims++;
      // A submit commits and signals while this (empty) batch is being claimed.
      if (claims === 2) signal.notify();
      await sleep(5);
      return [];
    }, signal);
    sut.onApplicationBootstrap();
    await sleep(30);
    signal.notify(); // claim 2, during which another signal comes
    await sleep(60); // well under the 250 ms idle poll
    await sut.onApplicationShutdown();

    expect(claims).toBeGreaterThanOrEqual(3);
  });

  it('claims as soon as the channel opens, then sleeps while nothing is due (regression: the wake-up from the channel opening came before the loop slept and was lost)', async () => {
    let claims = 0;
    const sut = relayWith(() => {
      claims++;
      return Promise.resolve([]);
    });
    sut.onApplicationBootstrap();
    await sleep(100);
    await sut.onApplicationShutdown();

    expect(claims).toBe(1);
  });

  it('#15 abandons a connection whose node never confirms, and keeps the batch for the next one (a node that takes publishes and dies before confirming them must not leave the relay waiting forever)', async () => {
    const abandoned: string[] = [];
    const sut = relayWith(
      () =>
        Promise.resolve([
          {
            id: 'row-1',
            kind: 'envelope',
            exchange: 'mxg.messages',
            routingKey: 'az',
            payload: Buffer.alloc(1),
            properties: { messageId: 'm', type: 't', headers: {} },
            attempts: 0,
          },
        ]),
      new OutboxSignal(),
      {
        abandon: (reason) => abandoned.push(reason),
        markBatchPublished: () => {
          throw new Error('an unconfirmed row must not be marked published');
        },
      },
    );
    sut.onApplicationBootstrap(); // its loop publishes the row too, and is abandoned alike
    try {
      await sleep(20); // the channel opens
      await expect(sut.publishBatch()).rejects.toThrow('did not confirm within 50 ms');
      expect(abandoned.length).toBeGreaterThanOrEqual(1);
      expect(new Set(abandoned)).toEqual(new Set(['1 publishes not confirmed within 50 ms']));
    } finally {
      await sut.onApplicationShutdown();
    }
  });
});
