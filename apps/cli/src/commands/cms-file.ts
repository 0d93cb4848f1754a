import { cmsDer } from '@mxg/evidence';
import { inputName, readInput, writeOutput } from './std-io';

/**
 * A CMS file as DER, whether written as DER (what MXG and `openssl cms -outform DER` write) or
 * as PEM (`-----BEGIN CMS-----`, `-----BEGIN PKCS7-----`). A file that cannot be read is a
 * failure to check (exit 3), not a verdict; bytes that are not CMS are left to the verifier.
 */
export function readCmsFile(path: string): Uint8Array {
  return cmsDer(readInputFile(path), inputName(path));
}

/** A file's bytes, or (`-`) standard input's. */
export function readInputFile(path: string): Buffer {
  return readInput(path);
}

/** Writes an artefact (mode 0600: not secret, but private to the user), or (`-`) to stdout. */
export function writeOutputFile(path: string, bytes: Uint8Array): void {
  writeOutput(path, bytes);
}
