import type { TreatyRegistry } from '@mxg/config';
import type { LayerReport } from '@mxg/envelope';
import type { Verdict } from '@mxg/evidence';
import { EXIT } from '../cli-errors';

// The report itself is built in @mxg/evidence, which the gateway's signature check shares.
export {
  decidingCode,
  describeHeader,
  layerReportJson,
  type Verdict,
  verdictOf,
} from '@mxg/evidence';

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
