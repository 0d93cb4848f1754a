import type { SchemaObject } from '@nestjs/swagger';
import { isUuid } from '@mxg/core';
import { receiptSubject } from '../exchange/outbox-entries';
import type { DeadLetterRecord } from './dead-letter.types';
import { POISON_CODE } from './dead-letter.types';

/** Why, in words made of codes only: nothing of the delivery's content. */
export function deadLetterReason(
  record: Pick<DeadLetterRecord, 'code' | 'layer' | 'kind'>,
): string {
  if (record.code === POISON_CODE) {
    return `the ${record.kind} was not processed within the inbox's delivery limit (a poison message): the broker gave up on it`;
  }
  if (record.code.startsWith('BROKER_')) return `the broker dead-lettered the ${record.kind}`;
  if (record.code.endsWith('_TOO_LARGE')) {
    return `the ${record.kind} was refused unopened for its size; its bytes were not kept`;
  }
  return `this gateway refused the ${record.kind} (${record.code}${record.layer ? `, ${record.layer} layer` : ''})`;
}

/** A dead letter as the API shows it (README "Dead letters"). */
export function deadLetterView(record: DeadLetterRecord) {
  const transportId = record.transportMessageId ?? undefined;
  const named = record.kind === 'receipt' ? receiptSubject(transportId) : transportId;
  return {
    id: record.id,
    code: record.code,
    reason: deadLetterReason(record),
    kind: record.kind,
    from: record.fromParty,
    messageId: named !== undefined && isUuid(named) ? named : null,
    size: record.size,
    sha256: record.sha256,
    payloadKept: record.payloadKept,
    deadLetteredAt: record.deadLetteredAt.toISOString(),
    status: record.status,
    ...(record.decidedAt ? { decidedAt: record.decidedAt.toISOString() } : {}),
    ...(record.decidedBy ? { decidedBy: record.decidedBy } : {}),
  };
}

export type DeadLetterView = ReturnType<typeof deadLetterView>;

/** The OpenAPI schema of one dead letter. */
export const DEAD_LETTER_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'id',
    'code',
    'reason',
    'kind',
    'from',
    'messageId',
    'size',
    'sha256',
    'payloadKept',
    'deadLetteredAt',
    'status',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    code: {
      type: 'string',
      description:
        'the refusal code (e.g. ENVELOPE_SIGNATURE_INVALID), or POISON for a delivery limit',
    },
    reason: { type: 'string', description: 'why, in words made of codes only (no personal data)' },
    kind: { type: 'string', enum: ['envelope', 'receipt'] },
    from: {
      type: 'string',
      nullable: true,
      description: 'the sending party, when its seal was verified before the refusal',
    },
    messageId: {
      type: 'string',
      format: 'uuid',
      nullable: true,
      description: 'the message it carries (a receipt: the message it is for), as delivered',
    },
    size: { type: 'integer', description: 'bytes, as delivered' },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'of the bytes as delivered' },
    payloadKept: {
      type: 'boolean',
      description: 'whether its bytes are held (false once decided, or if refused for its size)',
    },
    deadLetteredAt: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['held', 'replayed', 'discarded'] },
    decidedAt: { type: 'string', format: 'date-time' },
    decidedBy: { type: 'string', description: 'the client id of the security officer' },
  },
};
