import type { OutboxProperties } from '../exchange/exchange.types';

/** Where a dead letter stands: kept until a security officer replays or discards it. */
export const DEAD_LETTER_STATUSES = ['held', 'replayed', 'discarded'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/** The code of a delivery the broker gave up on: the inbox's delivery limit (a crash loop). */
export const POISON_CODE = 'POISON';

/** What a dead letter was taken for when it arrived (its AMQP `type`). */
export type DeadLetterKind = 'envelope' | 'receipt';

/** A dead letter as it comes off the intake queue, before it is stored. */
export interface NewDeadLetter {
  /**
   * The dead-lettering itself — the outbox row that published it, or the broker's death record:
   * a copy taken in twice is one dead letter, the same bytes refused again after a replay another.
   */
  readonly source: string;
  readonly code: string;
  readonly layer: string | null;
  readonly kind: DeadLetterKind;
  /** The sending party, where its seal was verified before the refusal; never a claim. */
  readonly fromParty: string | null;
  /** Its AMQP message id as delivered (unauthenticated unless the envelope was opened). */
  readonly transportMessageId: string | null;
  readonly size: number;
  /** Hex SHA-256 of the delivery as received. */
  readonly sha256: string;
  /** The delivery as received; `null` when it was never kept (refused for its size, #10.9). */
  readonly payload: Buffer | null;
  /** How it is published again on replay. */
  readonly properties: Pick<OutboxProperties, 'type'>;
  readonly at: Date;
}

/** A stored dead letter: ids, codes, size and digest; its payload is read only to replay it. */
export interface DeadLetterRecord extends Pick<
  NewDeadLetter,
  'code' | 'layer' | 'kind' | 'fromParty' | 'transportMessageId' | 'size' | 'sha256'
> {
  readonly id: string;
  readonly seq: string;
  readonly payloadKept: boolean;
  readonly type: OutboxProperties['type'];
  readonly deadLetteredAt: Date;
  readonly status: DeadLetterStatus;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
}

/** A page of dead letters, newest first, and where the next page starts. */
export interface DeadLetterPage {
  readonly items: readonly DeadLetterRecord[];
  /** The `seq` the next page starts below, if there is one. */
  readonly nextBefore: string | null;
}
