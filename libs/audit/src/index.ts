export { AuditError, AuditErrorCode } from './audit-error';
export { MerkleFrontier } from './merkle/merkle-frontier';
export { MerkleTree } from './merkle/merkle-tree';
export { assertConsistency, assertInclusion } from './merkle/proof-assertions';
export { HASH_SIZE, emptyRootHash, hashChildren, hashLeaf } from './merkle/rfc6962-hash';
export { verifyConsistency } from './merkle/verify-consistency';
export { rootFromInclusionProof, verifyInclusion } from './merkle/verify-inclusion';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint/checkpoint';
export {
  noteSignerFromKey,
  noteSignerFromKeyObject,
  type NoteSigner,
  type SchemeSigningKey,
} from './checkpoint/note-signer';
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
export { checkCheckpointCertificate, type AuditTrust } from './checkpoint/checkpoint-certificate';
export {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditActor,
  type AuditDetails,
  type AuditDetailValue,
  type AuditEntry,
  type AuditEventInput,
  type AuditEventType,
  type AuditOutcome,
} from './log/audit-event';
export {
  normalizeAuditEvent,
  parseAuditEntryJson,
  type NormalizedAuditEvent,
} from './log/audit-entry-validation';
export {
  AUDIT_LEAF_VERSION,
  auditEntryToJson,
  auditLeafHash,
  encodeAuditLeaf,
} from './log/audit-leaf';
export { AuditAppender, auditEntriesJoining, type AuditJoin } from './log/audit-appender';
export { AuditSequencer, type AuditSequencerOptions, type SqlSession } from './log/audit-sequencer';
export {
  AuditLogWorker,
  type AuditLogWorkerLogger,
  type AuditLogWorkerOptions,
  type AuditLogWorkerState,
} from './log/audit-log-worker';
export { auditLogOrigin, partyOfKeyName, witnessKeyName } from './log/log-identity';
export { assertTransactionCounterAhead, AuditXidBehindError } from './log/transaction-counter';
export {
  TILE_HEIGHT,
  TILE_WIDTH,
  encodeTileIndex,
  parseTilePath,
  tilePath,
  type TileAddress,
} from './tiles/tile-path';
export {
  decodeEntryBundle,
  encodeEntryBundle,
  joinTileSegments,
  tileWidth,
  type TileSegment,
} from './tiles/tile-segments';
export { readLogTile, type LogTile } from './tiles/read-log-tile';
export {
  latestCheckpoint,
  queryEntries,
  queryEntriesWithLeaves,
  readWitnessRefusals,
  type AuditEntryFilter,
  type StoredCheckpoint,
  type WitnessRefusal,
} from './store/audit-log.repository';
export { AuditWitness, type AuditWitnessOptions } from './witness/audit-witness';
export {
  WitnessClient,
  type WitnessClientOptions,
  type WitnessPeer,
} from './witness/witness-client';
export { HttpWitnessTransport, type WitnessFetch } from './witness/http-witness-transport';
export type {
  WitnessedHead,
  WitnessRequest,
  WitnessResponse,
  WitnessTransport,
} from './witness/witness.types';
export {
  AUDIT_EXPORT_FORMAT,
  AUDIT_WITNESSED_FORMAT,
  type ExportLine,
} from './export/audit-export-format';
export { writeAuditExport, writeWitnessedExport } from './export/write-audit-export';
export {
  auditExportedEvent,
  exportAuditLog,
  type AuditExportSource,
} from './export/export-audit-log';
export {
  AuditExportWriter,
  type AuditExportSummary,
  type ExportSigner,
} from './export/audit-export-writer';
export { parseExportStatement, type ExportStatement } from './export/export-statement';
export {
  AuditProblem,
  verifyAuditExport,
  type AuditVerifyFinding,
  type AuditVerifyIgnored,
  type AuditVerifyOptions,
  type AuditVerifyReport,
  type AuditVerifySigner,
} from './export/verify-audit-export';
export {
  verifyStoredLog,
  type StoredLogCheck,
  type StoredLogReport,
} from './verify/verify-stored-log';
