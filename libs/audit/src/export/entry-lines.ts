import { canonicalEntrySeq, parseAuditEntryJson } from '../log/audit-entry-validation';
import { auditLeafHashOfJson } from '../log/audit-leaf';
import { isAscii } from 'node:buffer';
import { HASH_SIZE, hashLeafText, LEAF_PREFIX, sha256 } from '../merkle/rfc6962-hash';

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
 * `chunk` is the caller's to give: an entry line is hashed where it lies (see entryLineAt).
 */
export function checkLines(chunk: Uint8Array, firstChunk: boolean): CheckedLines {
  const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const ends: number[] = [];
  for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10, at + 1)) ends.push(at);
  if (data.length > 0 && ends[ends.length - 1] !== data.length - 1) ends.push(data.length);
  const kinds = new Uint8Array(ends.length);
  const seqs = new Float64Array(ends.length);
  const hashes = new Uint8Array(ends.length * HASH_SIZE);
  const texts: string[] = [];
  // Pure ASCII (as the log writes it) decodes byte for byte: latin1, several times cheaper.
  const ascii = isAscii(data);
  let start = 0;
  // The file's first line is the verifier's to judge, whatever it holds (the header, or not).
  let header = firstChunk;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    const from = start;
    start = end + 1;
    if (end === from) {
      kinds[i] = LINE_EMPTY;
      continue;
    }
    const checked = header ? undefined : checkEntryLine(data, from, end, ascii);
    header = false;
    if (checked === undefined) {
      kinds[i] = LINE_OTHER;
      texts.push(data.toString('utf8', from, end));
      continue;
    }
    kinds[i] = LINE_ENTRY_OK;
    seqs[i] = checked.seq;
    hashes.set(checked.leafHash, i * HASH_SIZE);
  }
  return { kinds, seqs, hashes, texts };
}

const PREFIX_BYTES = Buffer.from(ENTRY_LINE_PREFIX, 'latin1');
const INFIX_BYTES = Buffer.from(ENTRY_LINE_INFIX, 'latin1');
const HASH_AT = ENTRY_LINE_PREFIX.length;

/** An entry line (bytes [from, end) of `data`) that passes every check of its own, or undefined. */
function checkEntryLine(
  data: Buffer,
  from: number,
  end: number,
  ascii: boolean,
): { seq: number; leafHash: Buffer } | undefined {
  if (
    end - from < HASH_AT ||
    data.compare(PREFIX_BYTES, 0, PREFIX_BYTES.length, from, from + HASH_AT) !== 0
  ) {
    return undefined;
  }
  const asWritten = entryLineAt(data, from, end);
  if (asWritten !== undefined) {
    try {
      const text = ascii
        ? data.toString('latin1', from + ENTRY_AT, end - 1)
        : data.toString('utf8', from + ENTRY_AT, end - 1);
      const seq = canonicalEntrySeq(text) ?? parseAuditEntryJson(JSON.parse(text)).seq;
      return { seq, leafHash: asWritten };
    } catch {
      return undefined;
    }
  }
  const text = data.toString('utf8', from, end);
  try {
    const line = JSON.parse(text) as Record<string, unknown>;
    if (line.kind !== 'entry') return undefined;
    const entry = parseAuditEntryJson(line.entry);
    const leafHash = auditLeafHashOfJson(line.entry as Record<string, unknown>, entry);
    return leafHash.toString('base64') === line.leafHash ? { seq: entry.seq, leafHash } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * leafHashAsWritten on bytes: the leaf hash of the entry line at [from, end) of `data`, hashed from
 * the bytes between `"entry":` and the closing brace in place (the byte before them stands in
 * for the leaf prefix 0x00 while hashing, then is put back), when the line has the writer's
 * frame and that hash is the leaf it states; otherwise undefined. The frame is fixed bytes
 * around a base64 hash (no quote, no escape), so the line is that entry under that leaf hash
 * exactly when the entry's bytes parse as one JSON value — what the caller checks next.
 */
function entryLineAt(data: Buffer, from: number, end: number): Buffer | undefined {
  const infixAt = from + HASH_AT + BASE64_HASH_LENGTH;
  if (
    end - from <= ENTRY_AT + 1 ||
    data[end - 1] !== 0x7d ||
    data.compare(INFIX_BYTES, 0, INFIX_BYTES.length, infixAt, infixAt + INFIX_BYTES.length) !== 0
  ) {
    return undefined;
  }
  const prefixAt = from + ENTRY_AT - 1;
  const kept = data[prefixAt];
  data[prefixAt] = LEAF_PREFIX;
  const leafHash = sha256(data.subarray(prefixAt, end - 1));
  data[prefixAt] = kept;
  return leafHash.toString('base64') === data.toString('latin1', from + HASH_AT, infixAt)
    ? leafHash
    : undefined;
}
