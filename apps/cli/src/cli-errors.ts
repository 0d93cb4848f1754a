import { ConfigError } from '@mxg/config';
import { MxgError } from '@mxg/core';

/**
 * Exit statuses of `mxg`. Verification commands keep "invalid" (the evidence is bad) apart from
 * "could not check" (the tool could not reach a verdict), so scripts can tell them apart.
 */
export const EXIT = {
  ok: 0,
  invalid: 1,
  usage: 2,
  couldNotCheck: 3,
} as const;

/** Prints a failure without a stack trace when it is one of ours, and returns the exit status. */
export function reportFailure(error: unknown): number {
  if (error instanceof ConfigError || error instanceof MxgError) {
    process.stderr.write(`mxg: ${error.message}\n`);
  } else {
    process.stderr.write(
      `mxg: unexpected failure: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  return EXIT.couldNotCheck;
}
