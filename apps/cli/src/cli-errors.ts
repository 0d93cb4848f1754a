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

/** The code of a usage mistake in `--json` errors (exit 2). */
export const USAGE_ERROR = 'USAGE';

/**
 * Prints a failure without a stack trace when it is one of ours — as `{code, message}` on
 * standard output with `--json`, else as a line on standard error — and returns the exit status.
 */
export function reportFailure(error: unknown, json = false): number {
  const ours = error instanceof ConfigError || error instanceof MxgError;
  if (json) {
    const code = ours ? error.code : 'UNEXPECTED_FAILURE';
    const message = error instanceof Error ? error.message : String(error);
    printJsonError(
      code,
      message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message,
    );
  } else if (ours) {
    process.stderr.write(`mxg: ${error.message}\n`);
  } else {
    process.stderr.write(
      `mxg: unexpected failure: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  return EXIT.couldNotCheck;
}

/** A refusal as the one JSON document a `--json` command prints. */
export function printJsonError(code: string, message: string): void {
  process.stdout.write(`${JSON.stringify({ code, message }, null, 2)}\n`);
}
