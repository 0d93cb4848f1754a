import { exampleMessage } from '@mxg/messages';
import {
  createExchangeNetwork,
  type ExchangeSettings,
  type GatewayUnderTest,
} from './exchange-network';
import type { TestBroker } from './test-broker';

export type { ApiAnswer, ExchangeSettings, GatewayUnderTest } from './exchange-network';

export interface ExchangePair {
  readonly kz: GatewayUnderTest;
  readonly az: GatewayUnderTest;
  readonly broker: TestBroker;
  readonly configDir: string;
  close(): Promise<void>;
}

/**
 * Kazakhstan's and Azerbaijan's gateways as two real processes, each with its own fresh
 * database, on a scratch broker of their own (a vhost per party on its party's own RabbitMQ
 * node, linked over mutual TLS, #15), with API clients whose tokens the test knows (a publisher per competent authority:
 * KZ-MVD, KZ-MTSZN, KZ-RET; AZ-DMX, AZ-RET). They use the checkout's development PKI, which
 * tests also sign with. `start: false` leaves a gateway stopped (e.g. "the receiver is down").
 * A two-party `createExchangeNetwork`.
 */
export async function createExchangePair(
  options: { exchange?: ExchangeSettings; start?: { kz?: boolean; az?: boolean } } = {},
): Promise<ExchangePair> {
  const network = await createExchangeNetwork({
    parties: ['KZ', 'AZ'],
    exchange: options.exchange,
    start: { KZ: options.start?.kz, AZ: options.start?.az },
    pki: 'checkout',
  });
  return {
    kz: network.gateway('KZ'),
    az: network.gateway('AZ'),
    broker: network.broker,
    configDir: network.configDir,
    close: () => network.close(),
  };
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * A MIG-5 request (registration at the place of stay, a MIG-6 person with a photograph): the
 * request of `examples/messages/`, addressed to `to`.
 */
export function registrationRequest(to = 'AZ-DMX') {
  const { agreement, type, signatory, body } = exampleMessage('request');
  return { agreement, type, to: { authority: to }, signatory, body };
}
