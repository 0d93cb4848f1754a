import { MxgError } from '@mxg/core';

/** One problem in one configuration file, precise enough to fix without guessing. */
export interface ConfigIssue {
  /** The file, as given to the loader (e.g. `config/agreements.yaml`), or `environment`. */
  file: string;
  /** The field, as a path: `agreements[0].inForceFrom`; empty for the whole file. */
  field: string;
  /** 1-based line of the field in the file, when known. */
  line?: number;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return issue.field ? `${where} ${issue.field}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** The configuration cannot be used; lists every problem found, not just the first. */
export class ConfigError extends MxgError {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      'CONFIG_INVALID',
      `configuration is invalid:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`,
      { issues },
    );
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
