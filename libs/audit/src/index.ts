export { AuditError, AuditErrorCode } from './audit-error';
export { MerkleFrontier } from './merkle/merkle-frontier';
export { MerkleTree } from './merkle/merkle-tree';
export { assertConsistency, assertInclusion } from './merkle/proof-assertions';
export { HASH_SIZE, emptyRootHash, hashChildren, hashLeaf } from './merkle/rfc6962-hash';
export { verifyConsistency } from './merkle/verify-consistency';
export { rootFromInclusionProof, verifyInclusion } from './merkle/verify-inclusion';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint/checkpoint';
export {
  checkpointKeyId,
  signCheckpoint,
  verifyCheckpointSignature,
} from './checkpoint/checkpoint-signature';
export {
  cosignCheckpoint,
  type CheckpointSigner,
  type CheckpointVerifier,
  type CosignedCheckpoint,
} from './checkpoint/cosign';
export {
  formatSignedNote,
  parseSignedNote,
  type NoteSignature,
  type SignedNote,
} from './checkpoint/signed-note';
