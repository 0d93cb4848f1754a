/** A body's or a claim's finding (@mxg/messages BodyProblem, @mxg/settlements ClaimProblem). */
interface Finding {
  readonly path: string;
  readonly code: string;
  readonly message: string;
  readonly treaty: string;
}

/** One line per finding: where, the stable code, the rule and its article — never a value. */
export function findingLines(findings: readonly Finding[], prefix = ''): string[] {
  return findings.map((f) => `  ${prefix}${f.path} ${f.code}: ${f.message} (${f.treaty})`);
}
