import type { BodyProblem } from '@mxg/messages';

/** One line per finding: where, the stable code, the rule and its article — never a value. */
export function findingLines(findings: readonly BodyProblem[], prefix = ''): string[] {
  return findings.map((f) => `  ${prefix}${f.path} ${f.code}: ${f.message} (${f.treaty})`);
}
