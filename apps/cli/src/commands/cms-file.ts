import { readFileSync, writeFileSync } from 'node:fs';
import { MxgError } from '@mxg/core';
import { cmsDer } from '@mxg/evidence';

/**
 * A CMS file as DER, whether written as DER (what MXG and `openssl cms -outform DER` write) or
 * as PEM (`-----BEGIN CMS-----`, `-----BEGIN PKCS7-----`). A file that cannot be read is a
 * failure to check (exit 3), not a verdict; bytes that are not CMS are left to the verifier.
 */
export function readCmsFile(path: string): Uint8Array {
  return cmsDer(readInputFile(path), path);
}

export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new MxgError(
      'INPUT_UNREADABLE',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/** Writes an artefact; signatures and envelopes are not secret, but stay private to the user. */
export function writeOutputFile(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes, { mode: 0o600 });
  } catch (error) {
    throw new MxgError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}
