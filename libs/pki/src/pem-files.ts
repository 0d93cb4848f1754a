import { createPrivateKey, KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { access, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PkiError } from './pki-error';

export const PRIVATE_KEY_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;

export async function loadCertificatePem(path: string): Promise<X509Certificate> {
  const pem = await readOrThrow(path, 'PKI_CERT_NOT_FOUND', 'certificate');
  return new X509Certificate(pem);
}

export async function loadPrivateKey(path: string): Promise<KeyObject> {
  const pem = await readOrThrow(path, 'PKI_KEY_NOT_FOUND', 'private key');
  return createPrivateKey(pem);
}

async function readOrThrow(
  path: string,
  code: 'PKI_CERT_NOT_FOUND' | 'PKI_KEY_NOT_FOUND',
  what: string,
): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) throw new PkiError(code, `no ${what} at ${path}`, { path });
    throw error;
  }
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/**
 * Creates a file that must not exist yet ('wx'), so an existing key or certificate is never
 * overwritten, and private keys are born 0600 rather than chmod-ed after the fact.
 */
export async function writeNewFile(path: string, data: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, data, { mode, flag: 'wx' });
  } catch (error) {
    if (isErrno(error, 'EEXIST')) {
      throw new PkiError('PKI_FILE_EXISTS', `refusing to overwrite ${path}`, { path });
    }
    throw error;
  }
}

/**
 * CRLs and CA databases are replaced whole: written to a temporary file beside them, flushed to
 * disk, then renamed over the old one. A running gateway follows its CRL file and re-reads it
 * whenever it changes, so it must see the old CRL or the new one, never half of one; and a
 * crash must not leave an empty file where the CRL was.
 */
export async function replaceFile(path: string, data: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(temporary, 'wx', PUBLIC_FILE_MODE);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
    // The rename itself is durable only once the directory is.
    const directory = await open(dirname(path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } finally {
    await rm(temporary, { force: true });
  }
}

// Duck-typed: node's fs errors are not `instanceof Error` inside jest's sandbox.
function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
