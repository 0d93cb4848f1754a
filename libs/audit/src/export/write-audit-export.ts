import { X509Certificate } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Clock } from '@mxg/core';
import { formatSignedNote, parseSignedNote, type NoteSignature } from '../checkpoint/signed-note';
import { auditEntryToJson } from '../log/audit-leaf';
import { MerkleTree } from '../merkle/merkle-tree';
import {
  exportCertificates,
  readCheckpoints,
  readSequencedEntries,
  readWitnessed,
  witnessedCopyCertificates,
} from '../store/audit-log.repository';
import type { SqlClient } from '@mxg/database';
import { AUDIT_EXPORT_FORMAT, AUDIT_WITNESSED_FORMAT } from './audit-export-format';
import {
  AuditExportWriter,
  type AuditExportSummary,
  type ExportSigner,
} from './audit-export-writer';

const ENTRY_BATCH = 10_000;

/**
 * Writes the log up to its latest checkpoint as `mxg-audit-export/2` (see audit-export-format)
 * and signs its statement with `signer`, the log's audit key. Entries sequenced after it are left
 * for the next export: nothing unproven goes out.
 */
export async function writeAuditExport(
  db: SqlClient,
  out: Writable,
  options: { origin: string; certificatePem: string; signer: ExportSigner; clock: Clock },
): Promise<AuditExportSummary> {
  const checkpoints = await readCheckpoints(db, Number.MAX_SAFE_INTEGER);
  const treeSize = checkpoints.at(-1)?.treeSize ?? 0;
  const writer = await AuditExportWriter.open(out, {
    format: AUDIT_EXPORT_FORMAT,
    origin: options.origin,
    treeSize,
    checkpoints: checkpoints.length,
    exportedAt: options.clock.now().toISOString(),
  });
  // The current certificate first (it signs the statement), then every one that signed.
  const certificates = [
    { keyName: options.origin, pem: options.certificatePem },
    ...(await exportCertificates(db, options.origin, treeSize)),
  ];
  await writeCertificates(writer, certificates);
  // The tree over the stored leaf hashes gives the consistency proofs between checkpoints.
  const tree = new MerkleTree();
  let next = 0;
  let previousSize: number | undefined;
  const emitCheckpoint = async () => {
    const c = checkpoints[next++];
    await writer.checkpoint(
      mergeSignatures(c.note, c.cosigned),
      previousSize === undefined
        ? undefined
        : { fromSize: previousSize, proof: tree.consistencyProof(previousSize, c.treeSize) },
    );
    previousSize = c.treeSize;
  };
  while (tree.size < treeSize) {
    const rows = await readSequencedEntries(db, tree.size, treeSize, ENTRY_BATCH);
    if (rows.length === 0) break;
    for (const { entry, leafHash } of rows) {
      tree.append(leafHash);
      await writer.entry(leafHash, auditEntryToJson(entry));
      while (next < checkpoints.length && checkpoints[next].treeSize === tree.size) {
        await emitCheckpoint();
      }
    }
  }
  // Whatever could not be placed after its entries (missing leaves) still goes out, for the
  // verifier to reject: an export never hides a checkpoint.
  while (next < checkpoints.length) await emitCheckpoint();
  return writer.end(options.signer);
}

/**
 * Writes what this gateway witnessed of a peer's log (`origin`) as `mxg-audit-witnessed/2`,
 * signed by our witness key (`signer`): the peer's auditors verify their own export against it
 * (`mxg audit verify --witnessed`).
 */
export async function writeWitnessedExport(
  db: SqlClient,
  out: Writable,
  options: {
    origin: string;
    witness: string;
    witnessCertificatePem: string;
    signer: ExportSigner;
    clock: Clock;
  },
): Promise<AuditExportSummary> {
  const witnessed = await readWitnessed(db, options.origin);
  const writer = await AuditExportWriter.open(out, {
    format: AUDIT_WITNESSED_FORMAT,
    origin: options.origin,
    witness: options.witness,
    treeSize: witnessed.at(-1)?.treeSize ?? 0,
    checkpoints: witnessed.length,
    exportedAt: options.clock.now().toISOString(),
  });
  const certificates = [
    { keyName: options.witness, pem: options.witnessCertificatePem },
    ...(await witnessedCopyCertificates(db, options.origin, options.witness)),
  ];
  await writeCertificates(writer, certificates);
  for (const w of witnessed) await writer.checkpoint(w.note);
  return writer.end(options.signer);
}

/** Each (name, certificate) once, the first spelling of it. */
async function writeCertificates(
  writer: AuditExportWriter,
  certificates: readonly { keyName: string; pem: string }[],
): Promise<void> {
  const written = new Set<string>();
  for (const { keyName, pem } of certificates) {
    const key = `${keyName} ${new X509Certificate(pem).fingerprint256}`;
    if (written.has(key)) continue;
    written.add(key);
    await writer.certificate(keyName, pem);
  }
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
