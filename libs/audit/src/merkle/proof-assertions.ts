import { AuditError, AuditErrorCode } from '../audit-error';
import { verifyConsistency } from './verify-consistency';
import { verifyInclusion } from './verify-inclusion';

/** `verifyInclusion` for callers that report failures: throws AUDIT_INCLUSION_PROOF_INVALID. */
export function assertInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  rootHash: Uint8Array,
): void {
  if (!verifyInclusion(leafIndex, treeSize, leafHash, proof, rootHash)) {
    throw new AuditError(
      AuditErrorCode.InclusionProofInvalid,
      `leaf ${leafIndex} is not proven to be in the tree of size ${treeSize}`,
      { leafIndex, treeSize, leafHash: Buffer.from(leafHash).toString('hex') },
    );
  }
}

/** `verifyConsistency` for callers that report failures: throws AUDIT_CONSISTENCY_PROOF_INVALID. */
export function assertConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  if (!verifyConsistency(size1, size2, proof, root1, root2)) {
    throw new AuditError(
      AuditErrorCode.ConsistencyProofInvalid,
      `the tree of size ${size1} is not proven to be a prefix of the tree of size ${size2}`,
      { size1, size2 },
    );
  }
}
