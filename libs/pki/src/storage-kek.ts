import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PRIVATE_KEY_MODE, writeNewFile } from './pem-files';
import { PkiError } from './pki-error';

/** A storage KEK is an AES-256 key: 32 bytes (MIG-11.4). */
export const STORAGE_KEK_BYTES = 32;

const KEK_FILE = /^([0-9a-f]{64})\r?\n?$/;

/**
 * Creates a new storage key-encryption key at `path`: 32 bytes from the CSPRNG, written as 64
 * lower-case hex digits and a newline, born 0600; an existing file is never overwritten.
 */
export async function createStorageKek(path: string): Promise<void> {
  const kek = randomBytes(STORAGE_KEK_BYTES);
  try {
    await writeNewFile(path, `${kek.toString('hex')}\n`, PRIVATE_KEY_MODE);
  } finally {
    kek.fill(0);
  }
}

/**
 * Reads the storage KEK at `path`. PKI_KEY_NOT_FOUND when there is none, PKI_LAYOUT_INCONSISTENT
 * when the file is not exactly one 256-bit key (the message names the path, never the content).
 */
export async function loadStorageKek(path: string): Promise<Buffer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw new PkiError('PKI_KEY_NOT_FOUND', `no storage key-encryption key at ${path}`, {
        path,
      });
    }
    throw error;
  }
  const hex = KEK_FILE.exec(text)?.[1];
  if (!hex) {
    throw new PkiError(
      'PKI_LAYOUT_INCONSISTENT',
      `${path} is not a storage key-encryption key (64 hex digits)`,
      { path },
    );
  }
  return Buffer.from(hex, 'hex');
}
