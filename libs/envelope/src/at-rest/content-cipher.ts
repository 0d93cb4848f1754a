import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AtRestError } from './at-rest.errors';

/**
 * AES-256-GCM for one column of one stored message (MIG-11.4). The stored bytes are
 *
 *     version (1 byte, 0x01) ‖ nonce (12 bytes, random) ‖ ciphertext (as long as the plaintext) ‖ tag (16 bytes)
 *
 * and the additional authenticated data is
 *
 *     version ‖ "mxg.message_contents." ‖ column ‖ 0x00 ‖ message id (lower-case UUID text)
 *
 * so a ciphertext moved to another message's row, or from `content` to `signed`, fails
 * authentication, as does any change to the version, nonce, ciphertext or tag. Every column is
 * encrypted under its message's own data key; a random 96-bit nonce per column is safe because
 * one data key encrypts only a handful of values (NIST SP 800-38D's 2^32 bound is far away).
 *
 * Plaintexts this replaced — a canonical message (JSON, `{`) and a DER SignedData (`0x30`) — never
 * begin with 0x01, so a row from before encryption is told apart by its first byte.
 */
export const CONTENT_CIPHER_VERSION = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
/** Version, nonce and tag: what encryption adds to each value. */
export const CONTENT_CIPHER_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

/** The columns of `message_contents` that hold encrypted values. */
export type EncryptedColumn = 'content' | 'signed';

/** Where an encrypted value belongs: it decrypts nowhere else. */
export interface ColumnPlace {
  readonly messageId: string;
  readonly column: EncryptedColumn;
}

function aad(version: number, { messageId, column }: ColumnPlace): Buffer {
  return Buffer.concat([
    Buffer.of(version),
    Buffer.from(`mxg.message_contents.${column}\0${messageId.toLowerCase()}`, 'utf8'),
  ]);
}

function checkKey(dataKey: Uint8Array): void {
  if (dataKey.length !== DATA_KEY_BYTES) throw new RangeError('a data key is 32 bytes');
}

/** Encrypts `plaintext` for `place` under `dataKey` (32 bytes), in the format above. */
export function encryptColumn(
  dataKey: Uint8Array,
  place: ColumnPlace,
  plaintext: Uint8Array,
): Buffer {
  checkKey(dataKey);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(CONTENT_CIPHER_VERSION, place));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(CONTENT_CIPHER_VERSION), nonce, body, cipher.getAuthTag()]);
}

/**
 * The plaintext of a value `encryptColumn` made for `place`. CONTENT_FORMAT_UNSUPPORTED for an
 * unknown version byte; CONTENT_AUTHENTICATION_FAILED for anything else that does not verify
 * (altered, truncated, or made for another message or column) — never partial plaintext.
 */
export function decryptColumn(dataKey: Uint8Array, place: ColumnPlace, stored: Uint8Array): Buffer {
  checkKey(dataKey);
  const ids = { messageId: place.messageId, column: place.column };
  if (stored.length === 0 || stored[0] !== CONTENT_CIPHER_VERSION) {
    throw new AtRestError(
      'CONTENT_FORMAT_UNSUPPORTED',
      `stored ${place.column} of message ${place.messageId} is not in a known encrypted format`,
      ids,
    );
  }
  const failed = () =>
    new AtRestError(
      'CONTENT_AUTHENTICATION_FAILED',
      `stored ${place.column} of message ${place.messageId} failed authentication: altered, or not this message's`,
      ids,
    );
  if (stored.length < CONTENT_CIPHER_OVERHEAD) throw failed();
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const body = bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(CONTENT_CIPHER_VERSION, place));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw failed();
  }
}

/** Whether a stored value is in the encrypted format (its version byte), not a legacy plaintext. */
export function isEncryptedColumn(stored: Uint8Array): boolean {
  return stored.length > 0 && stored[0] === CONTENT_CIPHER_VERSION;
}
