import type { KeyObject } from 'node:crypto';
import type { NoteSigner } from './note-signer';
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
  readonly signer: NoteSigner;
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
 * rewrites history (c2sp.org/tlog-witness). The refusals say what they prove:
 *  - AUDIT_CHECKPOINT_INCONSISTENT only for a second root at the size last seen — two notes the
 *    log signed that cannot both be true, the one conclusive evidence of a fork;
 *  - AUDIT_CHECKPOINT_STALE for a smaller tree (a replay, or a log that lost entries: the proof
 *    of which is the witness's copy, not this note);
 *  - AUDIT_CONSISTENCY_PROOF_INVALID for a proof that does not link the two (the proof is not
 *    signed, so it proves nothing against the log);
 *  - AUDIT_CHECKPOINT_TIME_INVALID for a checkpoint older than the last one seen.
 * The witness's own clock is not consulted here.
 */
export async function cosignCheckpoint(
  previous: Checkpoint | undefined,
  note: string,
  consistencyProof: readonly Uint8Array[],
  log: CheckpointVerifier,
  witness: CheckpointSigner,
): Promise<CosignedCheckpoint> {
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
      lastSeen: previous.treeSize,
      previousSize: previous.treeSize,
      size: next.treeSize,
      previousRoot: previous.rootHash.toString('base64'),
      root: next.rootHash.toString('base64'),
    };
    if (next.treeSize < previous.treeSize) {
      throw new AuditError(
        AuditErrorCode.CheckpointStale,
        `size ${next.treeSize} is smaller than the ${previous.treeSize} last seen`,
        { ...details, reason: 'tree-shrank' },
      );
    }
    if (next.treeSize === previous.treeSize && !next.rootHash.equals(previous.rootHash)) {
      throw new AuditError(
        AuditErrorCode.CheckpointInconsistent,
        `a second root for size ${next.treeSize}: the log forked`,
        { ...details, reason: 'fork' },
      );
    }
    if (next.timestamp.getTime() < previous.timestamp.getTime()) {
      throw new AuditError(
        AuditErrorCode.CheckpointTimeInvalid,
        'the checkpoint is older than the one last seen',
        { ...details, reason: 'time-went-backwards' },
      );
    }
    const { treeSize, rootHash } = previous;
    if (!verifyConsistency(treeSize, next.treeSize, consistencyProof, rootHash, next.rootHash)) {
      throw new AuditError(
        AuditErrorCode.ConsistencyProofInvalid,
        'the consistency proof does not link the checkpoint to the one last seen',
        { ...details, reason: 'consistency-proof-invalid' },
      );
    }
  }
  return { note: await signCheckpoint(note, witness.signer, witness.name), checkpoint: next };
}
