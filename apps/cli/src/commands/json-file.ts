import { readFileSync } from 'node:fs';
import { JsonError, parseStrictJson } from '@mxg/core';
import { inputName, STDIO } from './std-io';
import { usageError } from './usage-error';

/**
 * A JSON file (or `-`: standard input), parsed by the strict reader the gateways use for request bodies
 * (`parseStrictJson`). Unreadable, or not JSON that reader takes, is a usage mistake (exit 2).
 */
export function readJsonFile(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === STDIO ? 0 : file);
  } catch (error) {
    usageError(
      `cannot read ${inputName(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return parseStrictJson(bytes);
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    usageError(`${inputName(file)} is not JSON MXG can read: ${error.message}`);
  }
}
