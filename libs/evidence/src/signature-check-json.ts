import { createHash } from 'node:crypto';
import type { LayerReport, MessageHeader, Receipt } from '@mxg/envelope';
import type { SignatureKind } from './classify-signature';
import type { SignatureCheck } from './check-signature';
import type { Verdict } from './verdict';

/** A layer report as JSON: dates as ISO strings, the signed content as its digest and size. */
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

/** The report `mxg verify --json` prints and `POST /v1/signatures/verify` answers (absent keys undefined). */
export interface SignatureCheckJson {
  readonly valid: boolean;
  readonly verdict: Verdict;
  readonly code: string | undefined;
  readonly kind: SignatureKind;
  readonly party: string | undefined;
  readonly header: MessageHeader | undefined;
  readonly receipt: Receipt | undefined;
  readonly at: string;
  readonly report: Record<string, unknown>;
  readonly alternative: Record<string, unknown> | undefined;
}

/** A check as JSON: no content, only its digest and size; no certificate, only its summary. */
export function signatureCheckJson(check: SignatureCheck): SignatureCheckJson {
  const { target } = check;
  return {
    valid: check.verdict === 'valid',
    verdict: check.verdict,
    code: check.code,
    kind: target.kind,
    party: target.kind === 'malformed' ? undefined : target.party,
    header: 'header' in target ? target.header : undefined,
    receipt: target.kind === 'receipt' ? target.receipt : undefined,
    at: check.at.toISOString(),
    report: layerReportJson(check.report),
    alternative: check.alternative ? layerReportJson(check.alternative) : undefined,
  };
}
