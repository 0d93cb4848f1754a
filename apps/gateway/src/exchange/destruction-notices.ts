import { Injectable } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import type { MessageHeader } from '@mxg/envelope';
import type { DestructionReason } from '@mxg/messages';
import { gatewayActor, messageAuditContext } from './message-audit-context';
import type { Db } from './store/exchange-store.types';
import { RetentionStore } from './store/retention.store';

const NOTICE = 'destruction-notice';

/** One entry of a destruction notice's body (its schema is @mxg/messages'). */
interface DestroyedEntry {
  readonly id: string;
  readonly digest: string;
  readonly destroyedAt: string;
  readonly reasonCode: DestructionReason;
}

/** Why a received destruction notice is refused: it names what its sender never received from us. */
export const DESTRUCTION_NOTICE_REFUSAL = 'DESTRUCTION_NOTICE_UNKNOWN_MESSAGE';

const entriesOf = (body: Readonly<Record<string, unknown>>): DestroyedEntry[] =>
  (body.messages as DestroyedEntry[] | undefined) ?? [];

/**
 * MIG-11.5, at the providing party: a recipient's signed destruction notice. It may name only
 * messages this gateway's authority (the notice's addressee) sent to the notifying authority,
 * with their digests; anything else is refused (DESTRUCTION_NOTICE_UNKNOWN_MESSAGE, a negative
 * receipt). An accepted one is recorded on each message it names — when the recipient destroyed
 * it and by which notice — with a `data.recipient-destroyed` audit entry, in the transaction
 * that stores the notice.
 */
@Injectable()
export class DestructionNotices {
  constructor(
    private readonly store: RetentionStore,
    private readonly audit: AuditAppender,
  ) {}

  isNotice(header: Pick<MessageHeader, 'type'>): boolean {
    return header.type === NOTICE;
  }

  /** Why the notice cannot be accepted, or `null` (not a notice, or every entry matches). */
  async refusal(
    db: Db,
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
  ): Promise<{ code: string } | null> {
    if (!this.isNotice(header)) return null;
    const entries = entriesOf(body);
    const sent = await this.store.sentTo(
      db,
      entries.map((e) => e.id),
      header.to.authority,
      header.from.authority,
    );
    const digests = new Map(sent.map((m) => [m.id, m.digest]));
    const unknown = entries.some((e) => digests.get(e.id) !== e.digest);
    return unknown ? { code: DESTRUCTION_NOTICE_REFUSAL } : null;
  }

  /** Records a stored notice on the messages it names (checked by `refusal` in `db`). */
  async record(
    db: Db,
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    if (!this.isNotice(header)) return;
    const sent = await this.store.sentTo(
      db,
      entriesOf(body).map((e) => e.id),
      header.to.authority,
      header.from.authority,
    );
    const byId = new Map(sent.map((m) => [m.id, m]));
    for (const entry of entriesOf(body)) {
      const message = byId.get(entry.id);
      if (!message) continue;
      const at = new Date(entry.destroyedAt);
      await this.store.recordRecipientDestruction(db, message.id, at, header.id);
      await this.audit.append(
        {
          ...messageAuditContext(message, gatewayActor(header.from.authority)),
          type: 'data.recipient-destroyed',
          details: { notice: header.id, reason: entry.reasonCode, destroyedAt: entry.destroyedAt },
        },
        { db },
      );
    }
  }
}
