import type { X509Certificate } from 'node:crypto';
import type { EnvelopeErrorCode, EnvelopeLayer } from '../envelope.errors';
import { EnvelopeError } from '../envelope.errors';
import type { SignerSummary } from './signer-summary';

/** The checks made on one signature, in the order they are made. */
export type CheckName =
  | 'structure'
  | 'algorithms'
  | 'signature'
  | 'chain'
  | 'revocation'
  | 'key-usage'
  | 'signing-time'
  | 'signing-window'
  | 'seal'
  | 'signatory';

export interface LayerCheck {
  readonly name: CheckName;
  readonly ok: boolean;
  /** Set when `ok` is false. */
  readonly code?: EnvelopeErrorCode;
  readonly detail: string;
}

/** Everything learnt about one SignedData: each check's outcome and who signed. */
export interface LayerReport {
  readonly layer: EnvelopeLayer;
  readonly checks: readonly LayerCheck[];
  readonly valid: boolean;
  /** True when a check could not reach a verdict (e.g. no current CRL) rather than failing. */
  readonly inconclusive: boolean;
  readonly signer?: SignerSummary;
  /** The signer's certificate (the one matched among those registered, when known). */
  readonly signerCertificate?: X509Certificate;
  readonly signingTime?: Date;
  readonly signatureAlgorithm?: string;
  /** The signed content, when the signature verified. */
  readonly content?: Uint8Array;
  /** The configured signatory (MIG-9.3) the signer was matched to. */
  readonly signatoryId?: string;
}

/** Codes that mean "could not check", not "bad". */
export const INCONCLUSIVE_CODES: readonly EnvelopeErrorCode[] = ['REVOCATION_STATUS_UNKNOWN'];

/** The first failed check as the error a receiver refuses the message with. */
export function firstFailure(report: LayerReport): EnvelopeError | undefined {
  const failed = report.checks.find((c) => !c.ok);
  return failed
    ? new EnvelopeError(failed.code ?? 'SIGNATURE_INVALID', failed.detail, report.layer)
    : undefined;
}
