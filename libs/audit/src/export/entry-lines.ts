import { parseAuditEntryJson } from '../log/audit-entry-validation';
import { auditLeafHashOfJson } from '../log/audit-leaf';
import { HASH_SIZE, hashLeafText } from '../merkle/rfc6962-hash';

const ENTRY_LINE_PREFIX = '{"kind":"entry","leafHash":"';
const ENTRY_LINE_INFIX = '","entry":';
const BASE64_HASH_LENGTH = 44;
const ENTRY_AT = ENTRY_LINE_PREFIX.length + BASE64_HASH_LENGTH + ENTRY_LINE_INFIX.length;

/**
 * The leaf hash of an entry line as `AuditExportWriter` writes it, hashed from the line's own
 * text between `"entry":` and the closing brace, when that is the leaf the line names; otherwise
 * undefined (the caller encodes the parsed entry). Sound: a text hashing to the log's leaf *is*
 * the canonical form the log hashed (SHA-256 collision resistance), so encoding the parsed entry
 * would give the same bytes — this skips encoding them again, the verifier's largest cost.
 */
export function leafHashAsWritten(text: string, stated: unknown): Buffer | undefined {
  if (
    typeof stated !== 'string' ||
    stated.length !== BASE64_HASH_LENGTH ||
    !text.startsWith(ENTRY_LINE_PREFIX) ||
    !text.startsWith(ENTRY_LINE_INFIX, ENTRY_LINE_PREFIX.length + BASE64_HASH_LENGTH) ||
    text.charCodeAt(text.length - 1) !== 0x7d
  ) {
    return undefined;
  }
  const leafHash = hashLeafText(text.slice(ENTRY_AT, -1));
  return leafHash.toString('base64') === stated ? leafHash : undefined;
}

/** What checking a chunk of lines off the main thread found, line by line, in order. */
export interface CheckedLines {
  /** Per line: ENTRY_OK (seq and leaf hash below), EMPTY, or OTHER (its text in `texts`). */
  readonly kinds: Uint8Array;
  readonly seqs: Float64Array;
  /** HASH_SIZE bytes per line; meaningful for ENTRY_OK lines only. */
  readonly hashes: Uint8Array;
  readonly texts: string[];
}

export const LINE_ENTRY_OK = 0;
export const LINE_EMPTY = 1;
export const LINE_OTHER = 2;

/**
 * Splits a chunk of whole lines and does every per-entry check that needs nothing but the line
 * — JSON, the entry's shape (parseAuditEntryJson), its leaf hash against the one the line states —
 * leaving order, the tree and signatures to the verifier. Anything that is not a good entry
 * line goes back as text, for the verifier to judge (and word its finding) exactly as it would.
 */
export function checkLines(chunk: Uint8Array, firstChunk: boolean): CheckedLines {
  const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const ends: number[] = [];
  for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10, at + 1)) ends.push(at);
  if (ends.length === 0 || ends[ends.length - 1] !== data.length - 1) ends.push(data.length);
  const kinds = new Uint8Array(ends.length);
  const seqs = new Float64Array(ends.length);
  const hashes = new Uint8Array(ends.length * HASH_SIZE);
  const texts: string[] = [];
  let start = 0;
  // The file's first line is the verifier's to judge, whatever it holds (the header, or not).
  let header = firstChunk;
  ends.forEach((end, i) => {
    const text = data.toString('utf8', start, end);
    start = end + 1;
    if (text.length === 0) {
      kinds[i] = LINE_EMPTY;
      return;
    }
    const checked = header ? undefined : checkEntryLine(text);
    header = false;
    if (checked === undefined) {
      kinds[i] = LINE_OTHER;
      texts.push(text);
      return;
    }
    kinds[i] = LINE_ENTRY_OK;
    seqs[i] = checked.seq;
    hashes.set(checked.leafHash, i * HASH_SIZE);
  });
  return { kinds, seqs, hashes, texts };
}

/** An entry line that passes every check of its own, or undefined. */
function checkEntryLine(text: string): { seq: number; leafHash: Buffer } | undefined {
  if (!text.startsWith(ENTRY_LINE_PREFIX)) return undefined;
  try {
    const line = JSON.parse(text) as Record<string, unknown>;
    if (line.kind !== 'entry') return undefined;
    const entry = parseAuditEntryJson(line.entry);
    const asWritten = leafHashAsWritten(text, line.leafHash);
    if (asWritten !== undefined) return { seq: entry.seq, leafHash: asWritten };
    const leafHash = auditLeafHashOfJson(line.entry as Record<string, unknown>, entry);
    return leafHash.toString('base64') === line.leafHash ? { seq: entry.seq, leafHash } : undefined;
  } catch {
    return undefined;
  }
}
