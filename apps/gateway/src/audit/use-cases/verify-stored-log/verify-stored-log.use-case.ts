import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type StoredLogReport, verifyStoredLog } from '@mxg/audit';
import { AUDIT_KEYS } from '../../audit.constants';
import type { AuditKeys } from '../../audit-keys';

/**
 * The console's "verify" (issue #17): this gateway's stored log against its latest signed
 * checkpoint and its witnesses' countersignatures, read in one snapshot (REPEATABLE READ) so
 * that the sequencer appending meanwhile cannot make a sound log look torn.
 */
@Injectable()
export class VerifyStoredLog {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUDIT_KEYS) private readonly keys: AuditKeys,
  ) {}

  execute(): Promise<StoredLogReport> {
    return this.dataSource.transaction('REPEATABLE READ', (db) =>
      verifyStoredLog(db, this.keys.origin, this.keys.trust),
    );
  }
}
