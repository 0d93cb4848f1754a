/** `--json`: the one JSON document a command prints instead of its human text. */
export interface JsonFlag {
  json?: boolean;
}

/** The help line of every command's `--json`. */
export const JSON_OPTION_HELP = 'print the result as one JSON document (errors as {code, message})';

/**
 * Prints a command's result: with `--json`, `result` as one JSON document; otherwise the human
 * text `human()` builds. `to` is standard error when the command's artefact goes to standard
 * output (`--out -`).
 */
export function printResult(
  opts: JsonFlag,
  result: unknown,
  human: () => string,
  to: NodeJS.WritableStream = process.stdout,
): void {
  to.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : human());
}

/**
 * Whether the command line asks for JSON: errors are then printed as JSON too, by `main`, which
 * reaches them before (or without) any command's options being parsed.
 */
export function jsonRequested(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}
