import { AuditError, AuditErrorCode } from '../audit-error';

/** One signature line of a c2sp.org/signed-note. */
export interface NoteSignature {
  readonly keyName: string;
  /** The 4-byte key ID, as 8 lowercase hex digits. */
  readonly keyId: string;
  readonly signature: Buffer;
}

export interface SignedNote {
  /** The signed text, including its final newline. */
  readonly body: string;
  readonly signatures: readonly NoteSignature[];
}

// signed-note: verifiers must accept at least 16 signatures and should cap the total.
const MAX_SIGNATURES = 64;
const MAX_NOTE_LENGTH = 64 * 1024;
// signed-note: key names are non-empty, without Unicode spaces or '+'.
const KEY_NAME = /^[^\s+]+$/u;
const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u;
// signed-note forbids ASCII control characters other than newline; we also refuse DEL and C1.
const CONTROL = /[^\n\u0020-\u007e\u00a0-\uffff]/;
const KEY_ID_BYTES = 4;

export function isValidKeyName(name: string): boolean {
  return KEY_NAME.test(name);
}

/** Splits a signed note into its text and signatures; no signature is checked here. */
export function parseSignedNote(note: string): SignedNote {
  if (note.length > MAX_NOTE_LENGTH) malformed(`signed note longer than ${MAX_NOTE_LENGTH}`);
  if (CONTROL.test(note)) malformed('signed note contains control characters');
  if (!note.endsWith('\n')) malformed('signed note must end with a newline');
  // The text is separated from the signatures by the last blank line (signed-note, Format).
  const separator = note.lastIndexOf('\n\n');
  if (separator < 0) malformed('signed note has no signatures');
  const lines = note.slice(separator + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed(`more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line): NoteSignature => {
    const match = SIGNATURE_LINE.exec(line);
    const blob = Buffer.from(match?.[2] ?? '', 'base64');
    if (!match || !KEY_NAME.test(match[1]) || blob.toString('base64') !== match[2]) {
      malformed('signature line must be "— <key name> <base64(key ID || signature)>"');
    }
    if (blob.length <= KEY_ID_BYTES) malformed('signature too short');
    return {
      keyName: match[1],
      keyId: blob.subarray(0, KEY_ID_BYTES).toString('hex'),
      signature: blob.subarray(KEY_ID_BYTES),
    };
  });
  const keys = new Set(signatures.map((s) => `${s.keyName} ${s.keyId}`));
  if (keys.size !== signatures.length) malformed('two signatures by the same key');
  return { body: note.slice(0, separator + 1), signatures };
}

/** The canonical text of a signed note; refuses to produce one `parseSignedNote` would reject. */
export function formatSignedNote(note: SignedNote): string {
  const lines = note.signatures.map(({ keyName, keyId, signature }) => {
    if (!/^[0-9a-f]{8}$/.test(keyId)) malformed('key ID must be 8 lowercase hex digits');
    const blob = Buffer.concat([Buffer.from(keyId, 'hex'), signature]);
    return `\u2014 ${keyName} ${blob.toString('base64')}\n`;
  });
  const text = `${note.body}\n${lines.join('')}`;
  const parsed = parseSignedNote(text);
  if (parsed.body !== note.body || parsed.signatures.length !== note.signatures.length) {
    malformed('note text must end with a newline and contain no signature-like tail');
  }
  return text;
}

function malformed(message: string): never {
  throw new AuditError(AuditErrorCode.CheckpointMalformed, message);
}
