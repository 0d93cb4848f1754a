import type { ChannelModel } from 'amqplib';
import type { AuditAppender } from '@mxg/audit';
import type { MxgConfigService } from '@mxg/config';
import { SystemClock } from '@mxg/core';
import type { BrokerConnection } from '../broker/broker-connection.service';
import type { ExchangeStore } from '../exchange/store/exchange.store';
import { OutboxSignal } from '../exchange/outbox-signal';
import { OutboxRelay } from './outbox-relay.service';

/**
 * The relay's loop alone, against a stand-in repository and channel (the real broker and
 * database are exercised end to end in test/exchange*.e2e-spec.ts).
 */
describe(OutboxRelay.name, () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  function relayWith(claimOutbox: () => Promise<unknown[]>, signal = new OutboxSignal()) {
    const channel = { on: () => undefined, close: () => Promise.resolve() };
    const connection = { createConfirmChannel: () => Promise.resolve(channel) };
    const broker = {
      onConnected: (listener: (c: ChannelModel) => Promise<void>) =>
        void listener(connection as unknown as ChannelModel),
    } as unknown as BrokerConnection;
    const messages = {
      transaction: <T>(work: (tx: unknown) => Promise<T>) => work({}),
      claimOutbox,
    } as unknown as ExchangeStore;
    const config = { gateway: { party: 'KZ' } } as unknown as MxgConfigService;
    const sut = new OutboxRelay(
      config,
      new SystemClock(),
      broker,
      messages,
      {} as AuditAppender,
      signal,
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
});
