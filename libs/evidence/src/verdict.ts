import { type EnvelopeErrorCode, INCONCLUSIVE_CODES, type LayerReport } from '@mxg/envelope';

/** What a verification concluded: the evidence is good, bad, or could not be weighed. */
export type Verdict = 'valid' | 'invalid' | 'could-not-check';

/** Bad evidence wins over missing evidence: one failed check that is not inconclusive is "invalid". */
export function verdictOf(reports: readonly LayerReport[]): Verdict {
  const failed = reports.flatMap((r) => r.checks.filter((c) => !c.ok));
  if (failed.length === 0) return 'valid';
  return failed.every((c) => c.code !== undefined && INCONCLUSIVE_CODES.includes(c.code))
    ? 'could-not-check'
    : 'invalid';
}

/** The code that decided the verdict: the first failure that is not inconclusive, else the first. */
export function decidingCode(reports: readonly LayerReport[]): EnvelopeErrorCode | undefined {
  const failed = reports.flatMap((r) => r.checks.filter((c) => !c.ok));
  const decisive = failed.find((c) => !c.code || !INCONCLUSIVE_CODES.includes(c.code)) ?? failed[0];
  return decisive ? (decisive.code ?? 'SIGNATURE_INVALID') : undefined;
}
