import { AuditError, AuditErrorCode } from '../audit-error';
import { HASH_SIZE } from '../merkle/rfc6962-hash';

/** A log's signed statement of its tree head (c2sp.org/tlog-checkpoint note text). */
export interface Checkpoint {
  /** Log identity, e.g. `mxg.kz/audit`. */
  readonly origin: string;
  readonly treeSize: number;
  /** RFC 9162 MTH of the first `treeSize` entries. */
  readonly rootHash: Buffer;
  /** When the log signed this tree head; millisecond precision, UTC. */
  readonly timestamp: Date;
}

// Printable ASCII without space or '+': the tlog-checkpoint origin recommendation, narrowed to
// ASCII so that one checkpoint has exactly one byte encoding.
const ORIGIN = /^[\x21-\x2a\x2c-\x7e]{1,255}$/;
// Decimal without leading zeroes (tlog-checkpoint line 2), at most 2^53 - 1.
const TREE_SIZE = /^(0|[1-9][0-9]{0,15})$/;
const ROOT_HASH = /^[A-Za-z0-9+/]{43}=$/;
// Exactly Date#toISOString(): the one ISO 8601 spelling we emit, so it is the only one we accept.
const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;

/**
 * The canonical note text: origin, tree size, base64 root hash (tlog-checkpoint lines 1-3) and
 * one extension line with the signing time, each ending in a newline. Signatures cover exactly
 * these bytes, hence the strictness on both sides.
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, timestamp } = checkpoint;
  if (!ORIGIN.test(origin)) malformed('origin must be printable ASCII without spaces or "+"');
  if (!Number.isSafeInteger(treeSize) || treeSize < 0)
    malformed('tree size must be a safe integer ≥ 0');
  if (rootHash.length !== HASH_SIZE) malformed(`root hash must be ${HASH_SIZE} bytes`);
  const time = Number.isNaN(timestamp.getTime()) ? '' : timestamp.toISOString();
  if (!TIMESTAMP.test(time)) malformed('timestamp must be a valid date in years 0000-9999');
  return `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n${time}\n`;
}

/** Strict inverse of `formatCheckpoint`: anything it would not have produced is rejected. */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) malformed('checkpoint must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length !== 4) malformed(`expected 4 lines, found ${lines.length}`);
  const [origin, size, root, time] = lines;
  if (!ORIGIN.test(origin)) malformed('origin must be printable ASCII without spaces or "+"');
  if (!TREE_SIZE.test(size) || !Number.isSafeInteger(Number(size))) {
    malformed('tree size must be decimal without leading zeroes');
  }
  const rootHash = Buffer.from(root, 'base64');
  // Re-encoding catches non-zero padding bits, which Buffer.from would silently drop.
  if (!ROOT_HASH.test(root) || rootHash.toString('base64') !== root) {
    malformed(`root hash must be canonical base64 of ${HASH_SIZE} bytes`);
  }
  const timestamp = new Date(time);
  if (
    !TIMESTAMP.test(time) ||
    Number.isNaN(timestamp.getTime()) ||
    timestamp.toISOString() !== time
  ) {
    malformed('timestamp must be YYYY-MM-DDTHH:mm:ss.sssZ');
  }
  return { origin, treeSize: Number(size), rootHash, timestamp };
}

function malformed(message: string): never {
  throw new AuditError(AuditErrorCode.CheckpointMalformed, message);
}
