import { MxgError } from '@mxg/core';
import { inputName, readInput, writeOutput } from './std-io';

const PEM = /-----BEGIN (CMS|PKCS7)-----([\s\S]*?)-----END \1-----/;

/**
 * A CMS file as DER, whether written as DER (what MXG and `openssl cms -outform DER` write) or
 * as PEM (`-----BEGIN CMS-----`, `-----BEGIN PKCS7-----`). A file that cannot be read is a
 * failure to check (exit 3), not a verdict; bytes that are not CMS are left to the verifier.
 */
export function readCmsFile(path: string): Uint8Array {
  const bytes = readInputFile(path);
  const text = bytes.subarray(0, 64).toString('latin1');
  if (!text.trimStart().startsWith('-----BEGIN ')) return new Uint8Array(bytes);
  const pem = PEM.exec(bytes.toString('latin1'));
  if (!pem) {
    throw new MxgError(
      'INPUT_UNREADABLE',
      `${inputName(path)} is PEM but holds no CMS or PKCS7 block (expected -----BEGIN CMS----- or -----BEGIN PKCS7-----)`,
    );
  }
  return new Uint8Array(Buffer.from(pem[2].replace(/\s+/g, ''), 'base64'));
}

/** A file's bytes, or (`-`) standard input's. */
export function readInputFile(path: string): Buffer {
  return readInput(path);
}

/** Writes an artefact (mode 0600: not secret, but private to the user), or (`-`) to stdout. */
export function writeOutputFile(path: string, bytes: Uint8Array): void {
  writeOutput(path, bytes);
}
