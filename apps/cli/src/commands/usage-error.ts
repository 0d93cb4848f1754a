import { CommanderError } from 'commander';
import { EXIT } from '../cli-errors';

/**
 * Stops a command for a usage mistake, exit status 2: `main` says what to do, on standard error
 * (or as `{code: "USAGE", message}` with `--json`).
 */
export function usageError(message: string): never {
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
