import { BROKER_DEAD_LETTER_EXCHANGE, BROKER_EXCHANGE } from '@mxg/config';
import type { MessageHeader } from '@mxg/envelope';
import type { DeliveryEvidence } from './delivery-evidence';
import type { NewOutboxEntry } from './store/exchange-store.types';

/**
 * What goes on the wire beside each payload. AMQP properties and headers carry ids and codes
 * only (never personal data); the receiver checks them against the sealed header.
 */
export function envelopeEntry(
  header: Pick<MessageHeader, 'id' | 'type' | 'agreement'> & {
    readonly from: { readonly party: string };
    readonly to: { readonly party: string };
  },
  at: Date,
): NewOutboxEntry {
  return {
    messageId: header.id,
    kind: 'envelope',
    exchange: BROKER_EXCHANGE,
    routingKey: header.to.party.toLowerCase(),
    // The envelope is stored once, with the message; the relay reads it from there.
    payload: null,
    properties: {
      messageId: header.id,
      type: 'mxg.envelope',
      headers: {
        'x-mxg-type': header.type,
        'x-mxg-agreement': header.agreement,
        'x-mxg-from': header.from.party,
        'x-mxg-to': header.to.party,
      },
    },
    at,
  };
}

export function receiptEntry(
  messageId: string,
  toParty: string,
  agreement: string | undefined,
  receipt: Uint8Array,
  at: Date,
): NewOutboxEntry {
  return {
    messageId,
    kind: 'receipt',
    exchange: BROKER_EXCHANGE,
    routingKey: toParty.toLowerCase(),
    payload: receipt,
    properties: {
      messageId: `receipt:${messageId}`,
      type: 'mxg.receipt',
      headers: agreement ? { 'x-mxg-agreement': agreement } : {},
    },
    at,
  };
}

/**
 * A refused delivery for the dead-letter queue, with the reason it was refused and its size and
 * digest (#10.9). `whole` keeps the payload — a delivery within the size limits, bounded by
 * `exchange.maxEnvelopeBytes` — for inspection; `evidence` sends the headers alone, for a
 * delivery refused for its size, whose bytes are never kept. Either way the row drops its
 * payload once published (ExchangeStore.markBatchPublished).
 */
export function deadLetterEntry(
  self: string,
  delivery: {
    readonly payload: Uint8Array;
    readonly transportMessageId: string | undefined;
    readonly evidence: DeliveryEvidence;
  },
  error: { code: string; layer?: string },
  at: Date,
  keep: 'whole' | 'evidence' = 'whole',
): NewOutboxEntry {
  const messageId = delivery.transportMessageId ?? 'unknown';
  return {
    messageId,
    kind: 'dead-letter',
    exchange: BROKER_DEAD_LETTER_EXCHANGE,
    routingKey: self.toLowerCase(),
    payload: keep === 'whole' ? delivery.payload : new Uint8Array(0),
    properties: {
      messageId,
      type: 'mxg.envelope',
      headers: {
        'x-mxg-error-code': error.code,
        ...(error.layer ? { 'x-mxg-error-layer': error.layer } : {}),
        'x-mxg-delivery-bytes': String(delivery.evidence.size),
        'x-mxg-delivery-sha256': delivery.evidence.digest,
        ...(keep === 'evidence' ? { 'x-mxg-payload': 'omitted' } : {}),
      },
    },
    at,
  };
}
