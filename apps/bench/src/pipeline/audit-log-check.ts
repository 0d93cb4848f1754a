import {
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { X509Certificate } from 'node:crypto';
import {
  auditLogOrigin,
  noteSignerFromKey,
  verifyAuditExport,
  witnessKeyName,
  writeAuditExport,
  writeWitnessedExport,
  type AuditExportSummary,
} from '@mxg/audit';
import { SystemClock } from '@mxg/core';
import { FileKeyStore } from '@mxg/envelope';
import { loadAuditCheckpointCertificates, partyPkiPaths } from '@mxg/pki';
import { benchWatchClient } from './delivery-check';
import type { BenchExchange, Party } from './gateway-processes';

/** `mxg audit verify` of one gateway's log after the run, against its peer's witnessed copy. */
export interface AuditLogCheck {
  readonly party: Party;
  readonly valid: boolean;
  /** `PROBLEM: message (line n)` when invalid. */
  readonly finding?: string;
  readonly entries: number;
  readonly checkpoints: number;
  /** Checkpoints the peer's witness cosigned, and those of its witnessed copy matched. */
  readonly cosigned: number;
  readonly witnessedChecked: number;
  readonly bytes: number;
  readonly exportSeconds: number;
  readonly verifySeconds: number;
}

const PARTIES: readonly Party[] = ['KZ', 'AZ'];

/**
 * Exports each gateway's audit log as `mxg audit export` does — one REPEATABLE READ snapshot of
 * its database, the statement signed with the gateway's audit key — and its peer's witnessed copy
 * of it as `mxg audit export --witnessed-log` does, then verifies each export as
 * `mxg audit verify --witnessed <copy>` does (verifyAuditExport: both parties' CAs, the
 * configured audit certificates pinned, the peer's witness required). Unlike the CLI it does not
 * record the export in the log (`audit.exported`): the bench only looks.
 */
export async function checkAuditLogs(exchange: BenchExchange): Promise<AuditLogCheck[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mxg-bench-audit-'));
  try {
    const trustedCas = PARTIES.map(
      (party) =>
        new X509Certificate(
          readFileSync(partyPkiPaths(exchange.certsDir, party).caCertificate, 'utf8'),
        ),
    );
    const pinned = new Map<string, X509Certificate[]>();
    for (const party of PARTIES) {
      const found = await loadAuditCheckpointCertificates(exchange.certsDir, party);
      pinned.set(
        party,
        found.certificates.map((c) => c.certificate),
      );
    }
    const checks: AuditLogCheck[] = [];
    for (const party of PARTIES) {
      const peer: Party = party === 'KZ' ? 'AZ' : 'KZ';
      const file = join(dir, `${party.toLowerCase()}-audit.jsonl`);
      const copy = join(dir, `${peer.toLowerCase()}-witnessed-${party.toLowerCase()}.jsonl`);
      const exportStarted = performance.now();
      const summary = await exportLog(exchange, party, file);
      await exportLog(exchange, peer, copy, auditLogOrigin(party));
      const exportSeconds = (performance.now() - exportStarted) / 1000;
      const verifyStarted = performance.now();
      const report = await verifyAuditExport(file, {
        trustedCas,
        pinned,
        witnessed: [copy],
        requireWitnesses: [witnessKeyName(peer)],
      });
      const finding = report.finding;
      checks.push({
        party,
        valid: report.valid && report.entries === summary.treeSize,
        finding:
          finding === undefined
            ? undefined
            : `${finding.problem}: ${finding.message} (line ${finding.line})`,
        entries: report.entries,
        checkpoints: report.checkpoints,
        cosigned: report.cosignatures[witnessKeyName(peer)] ?? 0,
        witnessedChecked: report.witnessedChecked,
        bytes: statSync(file).size,
        exportSeconds,
        verifySeconds: (performance.now() - verifyStarted) / 1000,
      });
    }
    return checks;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `party`'s gateway writes its own log (`witnessedLog` undefined) or its witnessed copy of the
 * log `witnessedLog`, signed with its audit key, from one snapshot of its database.
 */
async function exportLog(
  exchange: BenchExchange,
  party: Party,
  out: string,
  witnessedLog?: string,
): Promise<AuditExportSummary> {
  const key = await new FileKeyStore(exchange.certsDir, party).auditCheckpoint();
  const signer = noteSignerFromKey(key);
  const certificatePem = key.certificate.toString();
  const clock = new SystemClock();
  const gateway = party === 'KZ' ? exchange.kz : exchange.az;
  // The bench's watching connection: the CPU sampler leaves it out of the gateways' figures.
  const db = benchWatchClient(gateway.db.appUrl);
  await db.connect();
  let file: WriteStream | undefined;
  try {
    await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    file = createWriteStream(out, { mode: 0o600 });
    const summary =
      witnessedLog === undefined
        ? await writeAuditExport(db, file, {
            origin: auditLogOrigin(party),
            certificatePem,
            signer: { name: auditLogOrigin(party), signer },
            clock,
          })
        : await writeWitnessedExport(db, file, {
            origin: witnessedLog,
            witness: witnessKeyName(party),
            witnessCertificatePem: certificatePem,
            signer: { name: witnessKeyName(party), signer },
            clock,
          });
    await db.query('COMMIT');
    return summary;
  } finally {
    file?.destroy();
    await db.end();
  }
}
