import type { Writable } from 'node:stream';
import type { Clock } from '@mxg/core';
import type { SqlClient } from '@mxg/database';
import { auditLogOrigin, witnessKeyName } from '../log/log-identity';
import type { NoteSigner } from '../checkpoint/note-signer';
import type { AuditActor, AuditEventInput } from '../log/audit-event';
import type { AuditExportSummary } from './audit-export-writer';
import { writeAuditExport, writeWitnessedExport } from './write-audit-export';

/** Whose export, signed by which key: a gateway's audit identity. */
export interface AuditExportSource {
  /** The exporting gateway's party, e.g. `KZ`. */
  readonly party: string;
  /** Its audit-checkpoint key, as an operation, and that key's certificate (PEM). */
  readonly signer: NoteSigner;
  readonly certificatePem: string;
  readonly clock: Clock;
  /** Instead of the party's own log, its witnessed copy of this party's log. */
  readonly witnessedParty?: string;
}

/**
 * The one way MXG exports an audit log (issue 4, #10.3): `mxg audit export` (from the database)
 * and `GET /v1/audit/export` (through the gateway) both write it here, so both produce the same
 * signed document `mxg audit verify` checks. `session` must be a connection of its own (not a
 * pool): the export reads one REPEATABLE READ snapshot, so entries and checkpoints agree.
 */
export async function exportAuditLog(
  session: SqlClient,
  out: Writable,
  source: AuditExportSource,
): Promise<AuditExportSummary> {
  const { party, signer, certificatePem, clock, witnessedParty } = source;
  await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const summary =
      witnessedParty === undefined
        ? await writeAuditExport(session, out, {
            origin: auditLogOrigin(party),
            certificatePem,
            signer: { name: auditLogOrigin(party), signer },
            clock,
          })
        : await writeWitnessedExport(session, out, {
            origin: auditLogOrigin(witnessedParty),
            witness: witnessKeyName(party),
            witnessCertificatePem: certificatePem,
            signer: { name: witnessKeyName(party), signer },
            clock,
          });
    await session.query('COMMIT');
    return summary;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The record of an export (issue 4: what auditors do is audited): counts, never content. */
export function auditExportedEvent(
  actor: Partial<AuditActor>,
  summary: AuditExportSummary,
  witnessedParty?: string,
): AuditEventInput {
  return {
    type: 'audit.exported',
    actor,
    details: {
      treeSize: summary.treeSize,
      checkpoints: summary.checkpoints,
      ...(witnessedParty === undefined ? {} : { witnessedLog: auditLogOrigin(witnessedParty) }),
    },
  };
}
