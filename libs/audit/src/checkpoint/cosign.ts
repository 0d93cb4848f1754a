import type { KeyObject } from 'node:crypto';
import { AuditError, AuditErrorCode } from '../audit-error';
import { verifyConsistency } from '../merkle/verify-consistency';
import type { Checkpoint } from './checkpoint';
import { signCheckpoint, verifyCheckpointSignature } from './checkpoint-signature';

/** A log as a witness knows it: the key name (which must equal the origin) and public key. */
export interface CheckpointVerifier {
  readonly name: string;
  readonly publicKey: KeyObject;
}

export interface CheckpointSigner {
  readonly name: string;
  readonly privateKey: KeyObject;
}

export interface CosignedCheckpoint {
  /** The signed note with the witness's signature line added. */
  readonly note: string;
  /** What the witness should now remember as the last checkpoint it saw of this log. */
  readonly checkpoint: Checkpoint;
}

/**
 * Witnessing: countersign `note` only if the log signed it and it extends `previous`, the last
 * checkpoint of this log the witness saw (undefined on first contact: trust on first use).
 * Refusing anything else is what lets the other gateway's auditors detect a log that forks or
 * rewrites history (c2sp.org/tlog-witness). A later timestamp is required too, so an old
 * checkpoint cannot be replayed. The witness's own clock is not consulted here.
 */
export function cosignCheckpoint(
  previous: Checkpoint | undefined,
  note: string,
  consistencyProof: readonly Uint8Array[],
  log: CheckpointVerifier,
  witness: CheckpointSigner,
): CosignedCheckpoint {
  const next = verifyCheckpointSignature(note, log.publicKey, log.name);
  // tlog-checkpoint: the log's key name should match the origin; we insist, so that a key
  // trusted for one log cannot vouch for another.
  const foreign = [next.origin, previous?.origin].find((o) => o !== undefined && o !== log.name);
  if (foreign !== undefined) {
    throw new AuditError(
      AuditErrorCode.CheckpointOriginMismatch,
      `not a checkpoint of ${log.name}`,
      {
        expected: log.name,
        actual: foreign,
      },
    );
  }
  if (previous) {
    const details = {
      origin: log.name,
      previousSize: previous.treeSize,
      size: next.treeSize,
      previousRoot: previous.rootHash.toString('base64'),
      root: next.rootHash.toString('base64'),
    };
    if (next.treeSize < previous.treeSize) {
      inconsistent('the tree shrank', { ...details, reason: 'tree-shrank' });
    }
    if (next.timestamp.getTime() < previous.timestamp.getTime()) {
      inconsistent('the checkpoint is older than the one last seen', {
        ...details,
        reason: 'time-went-backwards',
      });
    }
    const { treeSize, rootHash } = previous;
    if (!verifyConsistency(treeSize, next.treeSize, consistencyProof, rootHash, next.rootHash)) {
      inconsistent('the checkpoint does not extend the one last seen', {
        ...details,
        reason: 'consistency-proof-invalid',
      });
    }
  }
  return { note: signCheckpoint(note, witness.privateKey, witness.name), checkpoint: next };
}

function inconsistent(message: string, details: Record<string, unknown>): never {
  throw new AuditError(AuditErrorCode.CheckpointInconsistent, message, details);
}
