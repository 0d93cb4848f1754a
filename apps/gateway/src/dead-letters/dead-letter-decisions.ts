import type { AuditEventType } from '@mxg/audit';
import type { DeadLetterStatus } from './dead-letter.types';

/**
 * Every move of a dead letter, with the audit event it writes: a security officer replays or
 * discards a held one, once. The one home of these transitions (tested as a table).
 */
export const DEAD_LETTER_DECISIONS = {
  replay: { from: 'held', to: 'replayed', audit: 'dead-letter.replayed' },
  discard: { from: 'held', to: 'discarded', audit: 'dead-letter.discarded' },
} as const satisfies Record<
  string,
  {
    readonly from: DeadLetterStatus;
    readonly to: Exclude<DeadLetterStatus, 'held'>;
    readonly audit: AuditEventType;
  }
>;

export type DeadLetterDecision = keyof typeof DEAD_LETTER_DECISIONS;
