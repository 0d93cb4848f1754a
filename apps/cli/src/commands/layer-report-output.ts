import { createHash } from 'node:crypto';
import type { TreatyRegistry } from '@mxg/config';
import {
  type EnvelopeErrorCode,
  INCONCLUSIVE_CODES,
  type LayerReport,
  type MessageHeader,
} from '@mxg/envelope';
import { EXIT } from '../cli-errors';

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

export function exitStatusOf(verdict: Verdict): number {
  switch (verdict) {
    case 'valid':
      return EXIT.ok;
    case 'invalid':
      return EXIT.invalid;
    case 'could-not-check':
      return EXIT.couldNotCheck;
  }
}

/** The code that decided the verdict: the first failure that is not inconclusive, else the first. */
export function decidingCode(reports: readonly LayerReport[]): EnvelopeErrorCode | undefined {
  const failed = reports.flatMap((r) => r.checks.filter((c) => !c.ok));
  const decisive = failed.find((c) => !c.code || !INCONCLUSIVE_CODES.includes(c.code)) ?? failed[0];
  return decisive ? (decisive.code ?? 'SIGNATURE_INVALID') : undefined;
}

export function verdictLine(verdict: Verdict, code: string | undefined): string {
  switch (verdict) {
    case 'valid':
      return 'VALID';
    case 'invalid':
      return `INVALID (${code ?? 'SIGNATURE_INVALID'})`;
    case 'could-not-check':
      return `COULD NOT CHECK (${code ?? 'REVOCATION_STATUS_UNKNOWN'})`;
  }
}

/** A report as JSON: dates as ISO strings, the signed content as its digest and size. */
export function layerReportJson(report: LayerReport): Record<string, unknown> {
  const { content, signingTime, ...rest } = report;
  return {
    ...rest,
    // The certificate object itself is no JSON; `signer` describes it.
    signerCertificate: undefined,
    signingTime: signingTime?.toISOString(),
    content: content
      ? {
          bytes: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
        }
      : undefined,
  };
}

/** One line per check, then who signed, when, and in what capacity. */
export function describeLayer(
  title: string,
  report: LayerReport,
  treaty: TreatyRegistry | undefined,
): string[] {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = [title];
  for (const check of report.checks) {
    const mark = check.ok ? '✓' : '✗';
    const code = check.ok ? '' : ` [${check.code ?? 'SIGNATURE_INVALID'}]`;
    lines.push(`  ${mark} ${check.name.padEnd(width)}  ${check.detail}${code}`);
  }
  const facts: [string, string | undefined][] = [];
  if (report.signer) {
    facts.push(
      ['signer', report.signer.subject],
      ['issuer', report.signer.issuer],
      ['serial', report.signer.serialNumber],
      ['validity', `${report.signer.notBefore} → ${report.signer.notAfter}`],
      ['fingerprint', `sha256 ${report.signer.fingerprintSha256}`],
    );
  }
  facts.push(
    ['algorithm', report.signatureAlgorithm],
    ['signing time', report.signingTime?.toISOString() ?? '(none)'],
    ['revocation', revocationStatus(report)],
  );
  if (report.signatoryId !== undefined) {
    const s = treaty?.allSignatories().find((x) => x.id === report.signatoryId);
    facts.push([
      'signatory',
      s ? `${s.id}, ${s.position.en} of ${s.authority} (MIG-9.3)` : report.signatoryId,
    ]);
  }
  for (const [name, value] of facts) {
    if (value !== undefined) lines.push(`  ${name.padEnd(12)}  ${value}`);
  }
  return lines;
}

function revocationStatus(report: LayerReport): string {
  const check = report.checks.find((c) => c.name === 'revocation');
  if (!check) return 'not reached';
  if (check.ok) return check.detail.startsWith('not checked') ? check.detail : 'not revoked';
  return check.code === 'CERT_REVOKED' ? 'REVOKED' : 'unknown (could not check)';
}

/** A header in one line: ids, codes and times only, never the body. */
export function describeHeader(header: MessageHeader): string {
  const reply = header.inReplyTo ? `, in reply to ${header.inReplyTo.id}` : '';
  return `${header.type} ${header.id} under ${header.agreement}, ${header.from.authority} (${header.from.party}) → ${header.to.authority} (${header.to.party}), created ${header.createdAt}${reply}`;
}
