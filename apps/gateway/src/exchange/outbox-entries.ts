import { BROKER_DEAD_LETTER_EXCHANGE, BROKER_EXCHANGE, inboxQueue } from '@mxg/config';
import type { MessageHeader } from '@mxg/envelope';
import type { DeliveryEvidence } from './delivery-evidence';
import type { OutboxProperties } from './exchange.types';
import type { NewOutboxEntry } from './store/exchange-store.types';

/** A receipt's transport message id is this prefix and the id of the message it is for. */
export const RECEIPT_ID_PREFIX = 'receipt:';

/** The message a receipt's transport id names, if it names one (never trusted alone). */
export function receiptSubject(transportId: string | undefined): string | undefined {
  return transportId?.startsWith(RECEIPT_ID_PREFIX)
    ? transportId.slice(RECEIPT_ID_PREFIX.length)
    : undefined;
}

/**
 * What goes on the wire beside each payload: the message id and the kind of payload, nothing
 * else (docs/confidentiality.md). MIG-11.1 keeps even the fact of a request confidential, so the
 * message's type, agreement and authorities stay inside the envelope — the receiver reads them
 * from the sealed header, and routing needs only the receiving party, as the routing key. The
 * same for every message: a header present for some kinds only would itself tell them apart.
 */
export function envelopeEntry(
  header: Pick<MessageHeader, 'id'> & { readonly to: { readonly party: string } },
  at: Date,
): NewOutboxEntry {
  return {
    messageId: header.id,
    kind: 'envelope',
    exchange: BROKER_EXCHANGE,
    routingKey: header.to.party.toLowerCase(),
    // The envelope is stored once, with the message; the relay reads it from there.
    payload: null,
    properties: { messageId: header.id, type: 'mxg.envelope', headers: {} },
    at,
  };
}

/**
 * A receipt for `messageId`, addressed to its sender's gateway. Its transport id
 * (`receipt:<message id>`) is all the receiver needs: it finds the message it sent, and with it
 * the agreement whose algorithms the receipt is checked under (MIG-11.1: no agreement on the wire).
 */
export function receiptEntry(
  messageId: string,
  toParty: string,
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
      messageId: `${RECEIPT_ID_PREFIX}${messageId}`,
      type: 'mxg.receipt',
      headers: {},
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
    /** What the delivery was taken for (its AMQP `type`): a replay goes the same way. */
    readonly kind?: 'envelope' | 'receipt';
    /** The sending party, once authenticated (its seal verified): never a claim. */
    readonly fromParty?: string;
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
      type: delivery.kind === 'receipt' ? 'mxg.receipt' : 'mxg.envelope',
      headers: {
        'x-mxg-error-code': error.code,
        ...(error.layer ? { 'x-mxg-error-layer': error.layer } : {}),
        ...(delivery.fromParty ? { 'x-mxg-from-party': delivery.fromParty } : {}),
        'x-mxg-delivery-bytes': String(delivery.evidence.size),
        'x-mxg-delivery-sha256': delivery.evidence.digest,
        ...(keep === 'evidence' ? { 'x-mxg-payload': 'omitted' } : {}),
      },
    },
    at,
  };
}

/**
 * A dead letter delivered again to this gateway's own inbound processing (README "Dead
 * letters"): published through the default exchange straight into its inbox queue, with the
 * message id and type it arrived with, so that the inbox consumer takes it as any delivery —
 * opened and checked anew, deduplicated by its message id if it was accepted meanwhile.
 */
export function replayEntry(
  self: string,
  deadLetter: {
    readonly id: string;
    readonly transportMessageId: string | null;
    readonly type: OutboxProperties['type'];
    readonly payload: Uint8Array;
  },
  at: Date,
): NewOutboxEntry {
  const messageId = deadLetter.transportMessageId ?? 'unknown';
  return {
    messageId,
    kind: 'replay',
    exchange: '', // the default exchange: the routing key is the queue
    routingKey: inboxQueue(self),
    payload: deadLetter.payload,
    properties: { messageId, type: deadLetter.type, headers: { 'x-mxg-replay-of': deadLetter.id } },
    at,
  };
}
