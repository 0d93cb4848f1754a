import { MxgError } from '@mxg/core';
import { queryRows, type SqlClient } from '@mxg/database';

/**
 * The server's transaction counter is not past the audit entries' transaction ids. The
 * sequencer takes entries in (xid, id) order after the last one it sequenced, so entries written
 * now — with smaller xids — would be stored and never sequenced, checkpointed or witnessed. It
 * happens after a logical restore (pg_restore) into another PostgreSQL cluster whose counter is
 * behind the source's (docs/backup-restore.md, #17).
 */
export class AuditXidBehindError extends MxgError {
  constructor(maxXid: string, nextXid: string) {
    super(
      'AUDIT_XID_BEHIND',
      `the audit log holds entries of transaction ${maxXid}, but this PostgreSQL server's next transaction is ${nextXid}: ` +
        'entries written now would never be sequenced. The database was restored into a cluster whose transaction counter ' +
        'is behind the original one: advance its transaction-ID epoch (pg_resetwal -e) or restore physically (docs/backup-restore.md)',
      { maxXid, nextXid },
    );
  }
}

/** Throws AuditXidBehindError when audit entries carry xids the server has not reached yet. */
export async function assertTransactionCounterAhead(db: SqlClient): Promise<void> {
  // The largest xid among the entries (the (xid, id) index serves it) and the next xid the
  // server will assign, read from the snapshot: asking assigns none.
  const [row] = await queryRows<{ max_xid: string | null; next_xid: string }>(
    db,
    `SELECT (SELECT max(xid) FROM audit_entries)::text AS max_xid,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid`,
  );
  if (row.max_xid !== null && BigInt(row.max_xid) >= BigInt(row.next_xid)) {
    throw new AuditXidBehindError(row.max_xid, row.next_xid);
  }
}
