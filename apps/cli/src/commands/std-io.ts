import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Writable } from 'node:stream';
import { MxgError } from '@mxg/core';

/** `-` for an input file reads standard input; for an output file, writes standard output. */
export const STDIO = '-';

/** How a path is named in messages: `-` is `stdin`/`stdout`. */
export function inputName(path: string): string {
  return path === STDIO ? 'stdin' : path;
}

/** The whole input, from a file or (`-`) standard input; unreadable is a failure to check (exit 3). */
export function readInput(path: string): Buffer {
  try {
    return readFileSync(path === STDIO ? 0 : path);
  } catch (error) {
    throw new MxgError(
      'INPUT_UNREADABLE',
      `cannot read ${inputName(path)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/** Writes an artefact to a file (mode 0600: private to the user) or (`-`) standard output. */
export function writeOutput(path: string, bytes: Uint8Array | string): void {
  if (path === STDIO) {
    process.stdout.write(bytes);
    return;
  }
  try {
    writeFileSync(path, bytes, { mode: 0o600 });
  } catch (error) {
    throw new MxgError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/**
 * A stream to a file (mode 0600) or (`-`) to standard output, which its writer may end: standard
 * output itself stays open for whatever the process prints after.
 */
export function openOutputStream(path: string): Writable {
  if (path !== STDIO) return createWriteStream(path, { mode: 0o600 });
  const out = new PassThrough();
  out.pipe(process.stdout, { end: false });
  return out;
}

/**
 * Where a command's own report goes: standard output, unless the artefact itself is written
 * there (`--out -`), when the report goes to standard error so the artefact stays whole.
 */
export function reportStream(...outputs: (string | undefined)[]): NodeJS.WritableStream {
  return outputs.includes(STDIO) ? process.stderr : process.stdout;
}

/**
 * Runs `work` on a file path: the file itself, or (`-`) standard input copied to a private
 * temporary file first, for readers that need a file (the audit verifier reads it in parallel).
 */
export async function withInputFile<T>(
  path: string,
  work: (file: string) => Promise<T>,
): Promise<T> {
  if (path !== STDIO) return work(path);
  const dir = mkdtempSync(join(tmpdir(), 'mxg-stdin-'));
  try {
    const file = join(dir, 'stdin');
    await pipeline(process.stdin, createWriteStream(file, { mode: 0o600 }));
    return await work(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
