import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Clock } from '@mxg/core';
import { formatSignedNote, parseSignedNote, type NoteSignature } from '../checkpoint/signed-note';
import { auditEntryToJson } from '../log/audit-leaf';
import { MerkleTree } from '../merkle/merkle-tree';
import {
  readCheckpoints,
  readSequencedEntries,
  readWitnessed,
  witnessCertificates,
  witnessedLogCertificates,
} from '../store/audit-log.repository';
import type { SqlClient } from '../store/sql-client';
import {
  AUDIT_EXPORT_FORMAT,
  AUDIT_WITNESSED_FORMAT,
  type ExportLine,
} from './audit-export-format';

const ENTRY_BATCH = 10_000;

export interface AuditExportSummary {
  readonly treeSize: number;
  readonly checkpoints: number;
}

/**
 * Writes the log up to its latest checkpoint as `mxg-audit-export/1` (see audit-export-format).
 * Entries sequenced after it are left for the next export: nothing unproven goes out.
 */
export async function writeAuditExport(
  db: SqlClient,
  out: Writable,
  options: { origin: string; certificatePem: string; clock: Clock },
): Promise<AuditExportSummary> {
  const checkpoints = await readCheckpoints(db, Number.MAX_SAFE_INTEGER);
  const treeSize = checkpoints.at(-1)?.treeSize ?? 0;
  const write = lineWriter(out);
  await write({
    kind: 'header',
    format: AUDIT_EXPORT_FORMAT,
    origin: options.origin,
    treeSize,
    checkpoints: checkpoints.length,
    exportedAt: options.clock.now().toISOString(),
  });
  await write({ kind: 'certificate', keyName: options.origin, pem: options.certificatePem });
  for (const c of await witnessCertificates(db)) {
    await write({ kind: 'certificate', keyName: c.keyName, pem: c.pem });
  }
  // The tree over the stored leaf hashes gives the consistency proofs between checkpoints.
  const tree = new MerkleTree();
  let next = 0;
  let previousSize: number | undefined;
  const emitCheckpoint = async () => {
    const c = checkpoints[next++];
    await write({
      kind: 'checkpoint',
      note: mergeSignatures(c.note, c.cosigned),
      ...(previousSize === undefined
        ? {}
        : {
            consistency: {
              fromSize: previousSize,
              proof: tree
                .consistencyProof(previousSize, c.treeSize)
                .map((h) => h.toString('base64')),
            },
          }),
    });
    previousSize = c.treeSize;
  };
  while (tree.size < treeSize) {
    const rows = await readSequencedEntries(db, tree.size, treeSize, ENTRY_BATCH);
    if (rows.length === 0) break;
    for (const { entry, leafHash } of rows) {
      tree.append(leafHash);
      await write({
        kind: 'entry',
        leafHash: leafHash.toString('base64'),
        entry: auditEntryToJson(entry),
      });
      while (next < checkpoints.length && checkpoints[next].treeSize === tree.size) {
        await emitCheckpoint();
      }
    }
  }
  // Whatever could not be placed after its entries (missing leaves) still goes out, for the
  // verifier to reject: an export never hides a checkpoint.
  while (next < checkpoints.length) await emitCheckpoint();
  await write.end();
  return { treeSize, checkpoints: checkpoints.length };
}

/**
 * Writes what this gateway witnessed of a peer's log (`origin`) as `mxg-audit-witnessed/1`: the
 * peer's auditors verify their own export against it (`mxg audit verify --witnessed`).
 */
export async function writeWitnessedExport(
  db: SqlClient,
  out: Writable,
  options: { origin: string; witness: string; witnessCertificatePem: string; clock: Clock },
): Promise<AuditExportSummary> {
  const witnessed = await readWitnessed(db, options.origin);
  const write = lineWriter(out);
  await write({
    kind: 'header',
    format: AUDIT_WITNESSED_FORMAT,
    origin: options.origin,
    witness: options.witness,
    treeSize: witnessed.at(-1)?.treeSize ?? 0,
    checkpoints: witnessed.length,
    exportedAt: options.clock.now().toISOString(),
  });
  await write({
    kind: 'certificate',
    keyName: options.witness,
    pem: options.witnessCertificatePem,
  });
  for (const c of await witnessedLogCertificates(db, options.origin)) {
    await write({ kind: 'certificate', keyName: c.keyName, pem: c.pem });
  }
  for (const w of witnessed) await write({ kind: 'checkpoint', note: w.note });
  await write.end();
  return { treeSize: witnessed.at(-1)?.treeSize ?? 0, checkpoints: witnessed.length };
}

/** One note with the log's signature and every witness's cosignature line. */
function mergeSignatures(note: string, cosigned: readonly string[]): string {
  const base = parseSignedNote(note);
  const signatures = new Map<string, NoteSignature>();
  for (const s of base.signatures) signatures.set(`${s.keyName} ${s.keyId}`, s);
  for (const other of cosigned) {
    const parsed = parseSignedNote(other);
    if (parsed.body !== base.body) continue; // the witness's reply was checked when stored
    for (const s of parsed.signatures) signatures.set(`${s.keyName} ${s.keyId}`, s);
  }
  return formatSignedNote({ body: base.body, signatures: [...signatures.values()] });
}

/** Buffers lines into large writes and honours back-pressure. */
function lineWriter(
  out: Writable,
): ((line: ExportLine) => Promise<void>) & { end(): Promise<void> } {
  let buffer = '';
  const flush = async () => {
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = '';
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const write = async (line: ExportLine) => {
    buffer += `${JSON.stringify(line)}\n`;
    if (buffer.length >= 1 << 20) await flush();
  };
  return Object.assign(write, {
    async end() {
      await flush();
      out.end();
      if (!out.writableFinished) await once(out, 'finish');
    },
  });
}
