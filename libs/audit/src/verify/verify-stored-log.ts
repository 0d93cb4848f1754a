import { X509Certificate } from 'node:crypto';
import type { SqlClient } from '@mxg/database';
import { AuditError } from '../audit-error';
import { checkCheckpointCertificate, type AuditTrust } from '../checkpoint/checkpoint-certificate';
import { verifyCheckpointSignature } from '../checkpoint/checkpoint-signature';
import { rebuildStoredTree } from '../log/stored-tree';
import { type MerkleTree } from '../merkle/merkle-tree';
import { latestCheckpoint } from '../store/audit-log.repository';
import { certificatePem, latestCosignatures } from '../store/latest-cosignatures';

export type StoredLogCheckName = 'checkpoint-signature' | 'stored-tree' | 'checkpoint-root';

export interface StoredLogCheck {
  readonly name: StoredLogCheckName | `witness:${string}`;
  readonly ok: boolean;
  readonly detail: string;
}

/** What `verifyStoredLog` found: VALID only if every check passed. */
export interface StoredLogReport {
  readonly verdict: 'VALID' | 'INVALID';
  readonly origin: string;
  readonly treeSize: number | null;
  readonly rootHash: string | null;
  readonly signedAt: string | null;
  readonly checks: readonly StoredLogCheck[];
  readonly witnesses: readonly {
    readonly witness: string;
    readonly treeSize: number;
    readonly receivedAt: string;
    readonly ok: boolean;
  }[];
}

/**
 * The log as this database holds it, checked the way its sequencer checks it on taking over
 * and the way `mxg audit verify` checks an export's head: the latest checkpoint signed by an
 * audit-checkpoint key `trust` accepts for `origin`; every entry re-hashed to its leaf and every
 * tile consistent (`rebuildStoredTree`); the tree's root at the checkpoint's size equal to the
 * signed one; and each witness's latest countersignature made by a key of the witness's party
 * over a root this tree has at that size. Never throws for a failed check: the report says it.
 */
export async function verifyStoredLog(
  db: SqlClient,
  origin: string,
  trust: AuditTrust,
): Promise<StoredLogReport> {
  const checks: StoredLogCheck[] = [];
  const witnesses: StoredLogReport['witnesses'][number][] = [];
  const checkpoint = await latestCheckpoint(db);
  if (checkpoint === undefined) {
    return {
      verdict: 'INVALID',
      origin,
      treeSize: null,
      rootHash: null,
      signedAt: null,
      checks: [{ name: 'checkpoint-signature', ok: false, detail: 'no checkpoint signed yet' }],
      witnesses,
    };
  }
  const pem = checkpoint.certificate && (await certificatePem(db, checkpoint.certificate));
  checks.push(
    attempt('checkpoint-signature', () => {
      if (!pem) throw new Error('the certificate that signed it is not stored');
      const certificate = new X509Certificate(pem);
      checkCheckpointCertificate(certificate, origin, trust, checkpoint.signedAt);
      verifyCheckpointSignature(checkpoint.note, certificate.publicKey, origin);
      return `signed by ${origin} (${certificate.subject.replace(/\n/g, ', ')})`;
    }),
  );
  let tree: MerkleTree | undefined;
  try {
    tree = await rebuildStoredTree(db, (message) => {
      throw new Error(message);
    });
    checks.push({
      name: 'stored-tree',
      ok: true,
      detail: `${tree.size} entries re-hashed to their leaves; every tile agrees with the tree`,
    });
  } catch (error) {
    checks.push({ name: 'stored-tree', ok: false, detail: messageOf(error) });
  }
  const rootOk =
    tree !== undefined &&
    tree.size >= checkpoint.treeSize &&
    tree.root(checkpoint.treeSize).equals(checkpoint.rootHash);
  checks.push({
    name: 'checkpoint-root',
    ok: rootOk,
    detail: rootOk
      ? `the root of the first ${checkpoint.treeSize} entries is the signed one`
      : `the stored entries do not yield the signed root of size ${checkpoint.treeSize}`,
  });
  for (const cosignature of await latestCosignatures(db)) {
    const check = attempt(`witness:${cosignature.witness}`, () => {
      const certificate = new X509Certificate(cosignature.certificatePem);
      checkCheckpointCertificate(certificate, cosignature.witness, trust, cosignature.receivedAt);
      const cosigned = verifyCheckpointSignature(
        cosignature.note,
        certificate.publicKey,
        cosignature.witness,
      );
      if (cosigned.origin !== origin)
        throw new Error(`it cosigned ${cosigned.origin}, not ${origin}`);
      if (
        tree === undefined ||
        tree.size < cosigned.treeSize ||
        !tree.root(cosigned.treeSize).equals(cosigned.rootHash)
      ) {
        throw new Error(`the root it cosigned at size ${cosigned.treeSize} is not this log's`);
      }
      return `cosigned size ${cosigned.treeSize}`;
    });
    checks.push(check);
    witnesses.push({
      witness: cosignature.witness,
      treeSize: cosignature.treeSize,
      receivedAt: cosignature.receivedAt.toISOString(),
      ok: check.ok,
    });
  }
  return {
    verdict: checks.every((c) => c.ok) ? 'VALID' : 'INVALID',
    origin,
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash.toString('base64'),
    signedAt: checkpoint.signedAt.toISOString(),
    checks,
    witnesses,
  };
}

function attempt(name: StoredLogCheck['name'], check: () => string): StoredLogCheck {
  try {
    return { name, ok: true, detail: check() };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof AuditError || error instanceof Error ? error.message : String(error);
}
