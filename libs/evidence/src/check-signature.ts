import type { X509Certificate } from 'node:crypto';
import { type AlgorithmPolicy, defaultAlgorithmPolicy, type TreatyRegistry } from '@mxg/config';
import {
  agreementPolicy,
  type EnvelopeErrorCode,
  type LayerReport,
  RECEIPT_FORMAT,
  type SignatoryDirectory,
  type TrustStore,
  verifySignedLayer,
} from '@mxg/envelope';
import { classifySignature, type SignatureTarget } from './classify-signature';
import { describeHeader, describeReceipt } from './describe-artefact';
import { SignatureCheckError } from './signature-check.errors';
import { decidingCode, type Verdict, verdictOf } from './verdict';

/** What a signature is checked against: what the verifier (a gateway, a security officer) trusts. */
export interface SignatureCheckContext {
  /** Trust anchors, seal certificates and every CRL version known (revocation as of signing time). */
  readonly trust: TrustStore;
  /** The treaty configuration; absent outside a checkout (`mxg verify --ca`). */
  readonly treaty?: TreatyRegistry;
  /** Who may sign for which authority, when (MIG-9.3, MIG-9.4); default: the configured lists. */
  readonly signatories?: SignatoryDirectory;
  /** The authority whose list registers a certificate, for a signature that names no authority. */
  readonly authorityOf?: (certificate: X509Certificate) => string | undefined;
  /** The verifier's clock: the report's `at`. Revocation is judged as of signing time. */
  readonly now: Date;
  /** Whose PKI issued the signer, when the caller says so (`mxg verify --party`). */
  readonly party?: string;
  /**
   * The algorithm policy for a signature that names no agreement; default: the strict default
   * policy. A function, so that asking for it can fail only when it is needed.
   */
  readonly unlabelledPolicy?: () => AlgorithmPolicy;
}

export interface SignatureCheckInput extends SignatureCheckContext {
  /** The CMS SignedData, DER (see `cmsDer` for PEM). */
  readonly der: Uint8Array;
  /** The signed content of a detached signature. */
  readonly detachedContent?: Uint8Array;
}

/** A signature checked: what it is, every check in order, and the verdict. */
export interface SignatureCheck {
  readonly target: SignatureTarget;
  /** One line saying what was checked as what, e.g. "inner SignedData: signed for KZ-MVD (MIG-9.3)". */
  readonly title: string;
  /** Further lines about the artefact (header, receipt, party): ids, codes and times only. */
  readonly notes: readonly string[];
  /** The report of the role the signer's certificate has. */
  readonly report: LayerReport;
  /** For a signature that names no role: the report of the other role it was tried in. */
  readonly alternative?: LayerReport;
  readonly verdict: Verdict;
  /** The code that decided the verdict; undefined when valid. */
  readonly code?: EnvelopeErrorCode;
  readonly at: Date;
}

/**
 * Checks any MXG artefact — envelope (its seal only: nothing is decrypted), signatory signature
 * (MXG's or a plain `openssl cms -sign` one), detached signature, receipt — the way `mxg verify`
 * and `POST /v1/signatures/verify` both do: signer, chain, revocation as of signing time (from
 * the CRLs the trust store holds), signing time, and the seal or signatory role (MIG-9.3).
 * A bad signature is a report with verdict `invalid`; an artefact that cannot be checked at all
 * is a `SignatureCheckError`.
 */
export async function checkSignature(input: SignatureCheckInput): Promise<SignatureCheck> {
  const target = classifySignature(input.der, input);
  if (target.kind !== 'malformed') assertCanCheck(target.party, input.trust, input.treaty);
  return checkClassified(target, input);
}

/** Without the party's CA there is nothing to check against: that is "could not check". */
export function assertCanCheck(
  party: string,
  trust: TrustStore,
  treaty: TreatyRegistry | undefined,
): void {
  if (treaty && !treaty.allParties().some((p) => p.code === party)) {
    throw new SignatureCheckError('UNKNOWN_PARTY', `party ${party} is not configured`, { party });
  }
  try {
    trust.party(party);
  } catch {
    throw new SignatureCheckError(
      'TRUST_ANCHOR_MISSING',
      `no CA certificate of ${party} is trusted here: cannot check its signatures`,
      { party },
    );
  }
}

/** The checks of an artefact `classifySignature` has classified (the caller may vet it between). */
export async function checkClassified(
  target: SignatureTarget,
  input: SignatureCheckInput,
): Promise<SignatureCheck> {
  const { treaty, trust, now, detachedContent } = input;
  const policyOf = (agreement: string | undefined): AlgorithmPolicy =>
    treaty ? agreementPolicy(agreement, treaty) : defaultAlgorithmPolicy();
  const verify = (
    role: 'seal' | 'signatory',
    party: string,
    policy: AlgorithmPolicy,
    authority?: string,
  ) =>
    verifySignedLayer(input.der, {
      layer: role === 'seal' ? 'outer' : 'inner',
      role,
      party,
      authority,
      trust,
      treaty,
      signatories: input.signatories,
      policy,
      now,
      detachedContent,
    });

  let title: string;
  let report: LayerReport;
  let alternative: LayerReport | undefined;
  const notes: string[] = [];
  switch (target.kind) {
    case 'malformed':
      title = 'not an MXG SignedData';
      report = target.report;
      break;
    case 'outer':
      title = `outer SignedData: sealed by ${target.party}'s gateway`;
      report = await verify('seal', target.party, policyOf(target.header.agreement));
      notes.push(`  routing header: ${describeHeader(target.header)}`);
      notes.push(
        `  content: EnvelopedData for ${target.header.to.party}'s gateway (open it with mxg envelope open --as ${target.header.to.party})`,
      );
      break;
    case 'inner':
      title = `inner SignedData: signed for ${target.header.from.authority} (MIG-9.3)`;
      report = await verify(
        'signatory',
        target.party,
        policyOf(target.header.agreement),
        target.header.from.authority,
      );
      notes.push(`  message: ${describeHeader(target.header)}`);
      break;
    case 'receipt':
      title = `receipt (${RECEIPT_FORMAT}): sealed by ${target.party}'s gateway`;
      report = await verify('seal', target.party, policyOf(undefined));
      notes.push(...describeReceipt(target.receipt));
      break;
    case 'other': {
      const policy = input.unlabelledPolicy ? input.unlabelledPolicy() : policyOf(undefined);
      const authority = target.signer && input.authorityOf?.(target.signer);
      const asSignatory = await verify('signatory', target.party, policy, authority);
      const asSeal = await verify('seal', target.party, policy);
      // The role the signer's certificate actually has decides which report to show in full.
      const isSeal = asSeal.checks.some((c) => c.name === 'seal' && c.ok);
      report = isSeal ? asSeal : asSignatory;
      alternative = isSeal ? asSignatory : asSeal;
      title = isSeal
        ? `SignedData checked as ${target.party}'s gateway seal`
        : `SignedData checked as a signatory of ${target.party} (MIG-9.3)`;
      if (!input.party) notes.push(`  party: ${target.party}, found from the signer's issuer`);
      const other = alternative.checks.find((c) => c.name === (isSeal ? 'signatory' : 'seal'));
      if (other)
        notes.push(
          `  also tried as ${isSeal ? 'a signatory' : 'the gateway seal'}: ${other.detail}`,
        );
      break;
    }
  }
  return {
    target,
    title,
    notes,
    report,
    alternative,
    verdict: verdictOf([report]),
    code: decidingCode([report]),
    at: now,
  };
}
