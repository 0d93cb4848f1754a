import { CommanderError } from 'commander';
import { EXIT } from '../cli-errors';

/** Stops a command for a usage mistake: says what to do and exits with status 2. */
export function usageError(message: string): never {
  process.stderr.write(`mxg: ${message}\n`);
  throw new CommanderError(EXIT.usage, 'mxg.usage', message);
}

/** An `--at` option: an ISO 8601 time, e.g. 2026-11-21T10:00:00Z. */
export function parseAt(value: string | undefined, fallback: Date): Date {
  if (value === undefined) return fallback;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    usageError(`--at ${value} is not an ISO 8601 time (e.g. 2026-11-21T10:00:00Z)`);
  }
  return at;
}
