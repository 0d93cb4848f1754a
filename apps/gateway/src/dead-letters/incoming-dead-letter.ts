import { createHash } from 'node:crypto';
import { type NewDeadLetter, POISON_CODE } from './dead-letter.types';

/** The AMQP properties it reads (amqplib's, or fewer: whatever a delivery carries). */
export interface DeliveredProperties {
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly messageId?: unknown;
  readonly type?: unknown;
}

const CODE = /^[A-Z][A-Z0-9_]{1,99}$/;
const LAYER = /^[a-z][a-z-]{0,31}$/;
const PARTY = /^[A-Z]{2}$/;
const SHA256 = /^sha256:([0-9a-f]{64})$/;
const MAX_TRANSPORT_ID = 200;
/**
 * Why the broker dead-lettered a delivery the inbox consumer kept failing on: `delivery_limit`
 * (RabbitMQ 3.10+), or `rejected` as older brokers say it — the consumer itself never rejects a
 * delivery without requeueing it, so a rejection from the inbox is the delivery limit too.
 */
const POISON_REASONS: ReadonlySet<string> = new Set(['delivery_limit', 'rejected']);

/**
 * Reads a delivery off the dead-letter intake queue. Two kinds arrive there, told apart by the
 * death record only the broker writes (`x-first-death-reason`):
 *
 * - one this gateway refused: its outbox relay published it to the dead-letter exchange with
 *   the refusal code, layer, size and digest in headers of its own making (deadLetterEntry) —
 *   trusted, since only this gateway's user may publish there with its routing key (#10.8);
 * - one the broker gave up on (the inbox's delivery limit, a crash loop): code POISON. Its headers
 *   are the sender's, so an `x-mxg-error-code` among them is ignored, and nothing names a sender.
 *
 * Never throws: whatever the headers hold, the delivery is kept with what can be read of it.
 */
export function readIncomingDeadLetter(
  content: Buffer,
  properties: DeliveredProperties,
  at: Date,
): NewDeadLetter {
  const headers = properties.headers ?? {};
  const text = (key: string): string | undefined =>
    typeof headers[key] === 'string' ? headers[key] : undefined;
  const matching = (key: string, pattern: RegExp): string | null => {
    const value = text(key);
    return value !== undefined && pattern.test(value) ? value : null;
  };
  const rawId = typeof properties.messageId === 'string' ? properties.messageId : undefined;
  const transportMessageId =
    rawId !== undefined && rawId !== 'unknown' && rawId.length <= MAX_TRANSPORT_ID ? rawId : null;
  const kind = properties.type === 'mxg.receipt' ? 'receipt' : 'envelope';
  const digest = createHash('sha256').update(content).digest('hex');
  const common = {
    kind,
    transportMessageId,
    properties: { type: kind === 'receipt' ? 'mxg.receipt' : 'mxg.envelope' },
    at,
  } as const;

  const deathReason = text('x-first-death-reason');
  if (deathReason !== undefined) {
    return {
      ...common,
      source: `broker:${digest}:${rawId ?? ''}:${deathRecord(headers)}`,
      code: POISON_REASONS.has(deathReason) ? POISON_CODE : brokerCode(deathReason),
      layer: null,
      fromParty: null,
      size: content.byteLength,
      sha256: digest,
      payload: content,
    };
  }

  const omitted = text('x-mxg-payload') === 'omitted';
  const declaredSize = Number(text('x-mxg-delivery-bytes'));
  const declaredDigest = SHA256.exec(text('x-mxg-delivery-sha256') ?? '')?.[1];
  const outboxId = matching('x-mxg-outbox-id', /^\d{1,19}$/);
  return {
    ...common,
    source: outboxId !== null ? `outbox:${outboxId}` : `refusal:${digest}:${rawId ?? ''}`,
    code: matching('x-mxg-error-code', CODE) ?? 'REFUSED',
    layer: matching('x-mxg-error-layer', LAYER),
    fromParty: matching('x-mxg-from-party', PARTY),
    // #10.9: a delivery refused for its size comes as its size and digest, its bytes never kept.
    ...(omitted && Number.isSafeInteger(declaredSize) && declaredSize >= 0 && declaredDigest
      ? { size: declaredSize, sha256: declaredDigest, payload: null }
      : { size: content.byteLength, sha256: digest, payload: content }),
  };
}

/** The broker's first death record, as it names this dead-lettering (queue, reason, time, count). */
function deathRecord(headers: Readonly<Record<string, unknown>>): string {
  const deaths = headers['x-death'];
  const first = Array.isArray(deaths) ? (deaths.at(-1) as Record<string, unknown>) : undefined;
  return [headers['x-first-death-queue'], first?.reason, first?.time, first?.count]
    .map(scalar)
    .join(':');
}

/** A header value as text: strings, numbers and dates only (amqplib decodes timestamps so). */
function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  if (value !== null && typeof value === 'object' && 'value' in value) {
    return scalar(value.value); // amqplib's typed field {type, value}
  }
  return '';
}

/** Any other reason the broker dead-letters for (`rejected`, `expired`, `maxlen`) as a code. */
function brokerCode(reason: string): string {
  const code = `BROKER_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`.slice(0, 100);
  return CODE.test(code) ? code : 'BROKER_DEAD_LETTERED';
}
