import type { X509Certificate } from 'node:crypto';
import {
  CmsError,
  parseSignedData,
  readKeyUsage,
  type SignedDataInfo,
  verifyCertificateChain,
  verifyCmsSignature,
} from '@mxg/cms';
import type { AlgorithmPolicy, TreatyRegistry } from '@mxg/config';
import { assertSignerAlgorithmsAllowed } from '../algorithms/algorithm-policy-check';
import { EnvelopeError, type EnvelopeErrorCode, type EnvelopeLayer } from '../envelope.errors';
import { configuredSignatories } from '../trust/configured-signatories';
import type {
  PartyTrust,
  SignatoryDirectory,
  SignatoryEntry,
  TrustStore,
} from '../trust/trust-store';
import { describeCrl, revocationAt } from './revocation-at';
import { INCONCLUSIVE_CODES, type LayerCheck, type LayerReport } from './layer-report';
import { summarise, toX509 } from './signer-summary';

export interface VerifySignedLayerOptions {
  readonly layer: EnvelopeLayer;
  /** The party whose PKI must have issued the signer. */
  readonly party: string;
  /** `seal`: the party's gateway seal (outer). `signatory`: an authorised signatory (inner). */
  readonly role: 'seal' | 'signatory';
  /** For a signatory: the authority they must be on the list of (MIG-9.3). */
  readonly authority?: string;
  readonly trust: TrustStore;
  /**
   * The treaty configuration: the default signatory lists, and which authorities a party has
   * when `authority` is not given. Absent outside a checkout (`mxg verify --signatories`).
   */
  readonly treaty?: TreatyRegistry;
  readonly policy: AlgorithmPolicy;
  readonly now: Date;
  /**
   * How far the signing time may be ahead of `now` (the clocks' disagreement) and, unless
   * `maxAgeMs` or `futureSkewOnly` says otherwise, behind it; omit to skip (old artefacts).
   */
  readonly maxSkewMs?: number;
  /**
   * How long before `now` the signature may have been made: a delivery window, wider than the
   * clock skew because an envelope may wait in a queue while its receiver is down. Older is
   * ENVELOPE_TOO_OLD. Only with `maxSkewMs`.
   */
  readonly maxAgeMs?: number;
  /**
   * Apply `maxSkewMs` to signing times in the future only, and no limit to the past. A
   * signatory may sign a request well before it is sent (MIG-9.3 asks who was authorised *at
   * signing time*), but nobody signs in the future.
   */
  readonly futureSkewOnly?: boolean;
  readonly detachedContent?: Uint8Array;
  /**
   * For a signatory: who may sign for which authority, when (MIG-9.3, MIG-9.4). Default: the
   * configured lists (`configuredSignatories(treaty, trust)`).
   */
  readonly signatories?: SignatoryDirectory;
  /**
   * The signing time must lie within `windowMs` before `reference` and not after it by more
   * than `skewMs`, else SIGNING_TIME_OUTSIDE_WINDOW: at a receiver `reference` is the sending
   * gateway's seal time, at a sender (a pre-signed submission) it is now.
   */
  readonly signingWindow?: SigningWindow;
}

/** A window the signing time must fall in (`what` names the reference in the message). */
export interface SigningWindow {
  readonly reference: Date;
  readonly windowMs: number;
  readonly skewMs: number;
  /** e.g. "the seal's signing time", "submission". */
  readonly what: string;
}

/**
 * Every check one MXG signature must pass, made in order and reported one by one: structure,
 * algorithm allow-list, the signature itself, the chain to the party's trust anchor at signing
 * time, revocation as of signing time (from every CRL version archived: `revocationAt`), key
 * usage, signing time (against this clock, and against the window it must fall in), and then
 * the role — one of the sending party's gateway seal generations, or a signatory on the sending
 * authority's list in force at signing time with this certificate registered for them
 * (MIG-9.3, MIG-9.4). Never throws for a bad signature; `firstFailure` turns the report into an
 * error.
 */
export async function verifySignedLayer(
  der: Uint8Array,
  options: VerifySignedLayerOptions,
): Promise<LayerReport> {
  const checks: LayerCheck[] = [];
  const pass = (name: LayerCheck['name'], detail: string) =>
    checks.push({ name, ok: true, detail });
  const fail = (name: LayerCheck['name'], code: EnvelopeErrorCode, detail: string) =>
    checks.push({ name, ok: false, code, detail });
  const report = (extra: Partial<LayerReport> = {}): LayerReport => ({
    layer: options.layer,
    checks,
    valid: checks.every((c) => c.ok),
    inconclusive: checks.some((c) => !c.ok && INCONCLUSIVE_CODES.includes(c.code!)),
    ...extra,
  });

  let info: SignedDataInfo;
  try {
    info = parseSignedData(der);
    if (info.signers.length !== 1)
      throw new CmsError(
        'MALFORMED_CMS',
        `${info.signers.length} signers; MXG signatures have exactly one`,
      );
  } catch (error) {
    fail('structure', 'MALFORMED_ENVELOPE', `not an MXG SignedData: ${reason(error)}`);
    return report();
  }
  const signer = info.signers[0];
  pass('structure', `SignedData with one signer, content type ${info.contentType}`);
  const signatureAlgorithm = signer.signatureAlgorithm.scheme ?? signer.signatureAlgorithm.oid;
  const signingTime = signer.signingTime;

  try {
    assertSignerAlgorithmsAllowed(signer, options.policy, options.layer);
    pass(
      'algorithms',
      `${signatureAlgorithm} over ${signer.digestAlgorithm.name ?? signer.digestAlgorithm.oid} is allowed`,
    );
  } catch (error) {
    fail('algorithms', 'ALGORITHM_NOT_ALLOWED', reason(error));
    return report({ signatureAlgorithm, signingTime });
  }

  let content: Uint8Array | undefined;
  let certificate: X509Certificate;
  const signatories =
    options.signatories ??
    (options.treaty ? configuredSignatories(options.treaty, options.trust) : NO_SIGNATORIES);
  const candidates = candidateCertificates(options, signatories);
  try {
    const verified = await verifyCmsSignature(der, {
      detachedContent: options.detachedContent,
      certificates: candidates,
    });
    content = verified.content;
    certificate = toX509(verified.signers[0].certificate, candidates);
    pass('signature', 'the signature and message digest match the content');
  } catch (error) {
    if (error instanceof CmsError && error.code === 'MALFORMED_CMS') {
      fail('structure', 'MALFORMED_ENVELOPE', reason(error));
    } else if (error instanceof CmsError && error.code === 'SIGNER_CERTIFICATE_MISSING') {
      fail('chain', 'CERT_UNTRUSTED', 'the signer certificate is neither carried nor known');
    } else {
      fail(
        'signature',
        'SIGNATURE_INVALID',
        'the signature does not match the signed content: it was altered or signed with another key',
      );
    }
    if (!signer.certificate) return report({ signatureAlgorithm, signingTime });
    certificate = toX509(signer.certificate, candidates);
  }
  const who = `signer ${summarise(certificate).subject} (serial ${certificate.serialNumber})`;

  if (!signingTime) {
    fail('signing-time', 'MALFORMED_ENVELOPE', 'the signature carries no signing-time attribute');
    return report({ signer: summarise(certificate), signatureAlgorithm });
  }

  let party: PartyTrust | undefined;
  try {
    party = options.trust.party(options.party);
  } catch (error) {
    fail('chain', 'CERT_UNTRUSTED', reason(error));
  }
  if (party) {
    const atSigning = await verifyCertificateChain({
      certificate,
      intermediates: info.certificates,
      trustAnchors: party.anchors,
      at: signingTime,
    });
    if (atSigning.valid) {
      pass(
        'chain',
        `${who} chains to ${options.party}'s trust anchor and was valid at signing time ${signingTime.toISOString()}`,
      );
      const revocation = checkRevocation(certificate, atSigning.path.length, party, signingTime);
      if (revocation.ok) pass('revocation', revocation.detail);
      else fail('revocation', revocation.code, `${who}: ${revocation.detail}`);
    } else if (atSigning.code === 'CERT_EXPIRED') {
      fail(
        'chain',
        'CERT_EXPIRED',
        `${who} was not valid at signing time ${signingTime.toISOString()}: ${atSigning.message}`,
      );
    } else {
      fail(
        'chain',
        'CERT_UNTRUSTED',
        `${who} does not chain to ${options.party}'s trust anchor: ${atSigning.message}`,
      );
    }
  }

  const usage = readKeyUsage(certificate);
  const wanted =
    options.role === 'seal' ? ['digitalSignature'] : ['nonRepudiation', 'digitalSignature'];
  if (usage === undefined || usage.some((u) => wanted.includes(u))) {
    pass('key-usage', `key usage ${usage?.join(', ') ?? '(unrestricted)'} permits signing`);
  } else {
    fail(
      'key-usage',
      'CERT_USAGE_INVALID',
      `${who} has key usage ${usage.join(', ')}, which does not permit ${wanted.join(' or ')}`,
    );
  }

  if (options.maxSkewMs !== undefined) {
    const signed = `signed at ${signingTime.toISOString()}`;
    const now = options.now.toISOString();
    const ahead = signingTime.getTime() - options.now.getTime();
    const maxAgeMs = options.futureSkewOnly ? undefined : (options.maxAgeMs ?? options.maxSkewMs);
    if (ahead > options.maxSkewMs) {
      fail(
        'signing-time',
        'SIGNING_TIME_OUT_OF_RANGE',
        `${signed}, ${seconds(ahead)} s ahead of this clock (${now}); at most ${seconds(options.maxSkewMs)} s of clock skew allowed`,
      );
    } else if (maxAgeMs !== undefined && -ahead > maxAgeMs) {
      // Without a delivery window the past is judged as clock skew, as it always was.
      if (options.maxAgeMs === undefined) {
        fail(
          'signing-time',
          'SIGNING_TIME_OUT_OF_RANGE',
          `${signed}, ${seconds(-ahead)} s before this clock (${now}); at most ${seconds(maxAgeMs)} s allowed`,
        );
      } else {
        fail(
          'signing-time',
          'ENVELOPE_TOO_OLD',
          `${signed}, ${seconds(-ahead)} s before this clock (${now}): older than the delivery window of ${seconds(maxAgeMs)} s`,
        );
      }
    } else {
      pass('signing-time', signed);
    }
  }

  if (options.signingWindow) {
    const window = options.signingWindow;
    const before = window.reference.getTime() - signingTime.getTime();
    const signed = `signed at ${signingTime.toISOString()}`;
    const reference = `${window.what} (${window.reference.toISOString()})`;
    if (before > window.windowMs) {
      fail(
        'signing-window',
        'SIGNING_TIME_OUTSIDE_WINDOW',
        `${signed}, ${seconds(before)} s before ${reference}: at most ${seconds(window.windowMs)} s allowed`,
      );
    } else if (-before > window.skewMs) {
      fail(
        'signing-window',
        'SIGNING_TIME_OUTSIDE_WINDOW',
        `${signed}, ${seconds(-before)} s after ${reference}: at most ${seconds(window.skewMs)} s of clock skew allowed`,
      );
    } else {
      pass('signing-window', `${signed}, within ${seconds(window.windowMs)} s before ${reference}`);
    }
  }

  let signatoryId: string | undefined;
  if (options.role === 'seal') {
    const seals = safeSeals(options);
    if (seals.some((s) => s.raw.equals(certificate.raw))) {
      pass('seal', `the seal of ${options.party}'s gateway`);
    } else {
      fail('seal', 'SEAL_NOT_RECOGNISED', `${who} is not the seal of ${options.party}'s gateway`);
    }
  } else {
    const day = signingTime.toISOString().slice(0, 10);
    const matched = matchSignatory(certificate, options, signatories);
    const authority = options.authority ?? matched?.authority;
    signatoryId = matched?.id;
    const onList =
      matched !== undefined &&
      authority !== undefined &&
      signatories.isAuthorised(matched.id, authority, signingTime, certificate);
    if (onList) {
      pass(
        'signatory',
        `${signatoryId} is on ${authority}'s list of authorised signatories on ${day} (MIG-9.3)`,
      );
    } else {
      fail(
        'signatory',
        'SIGNATORY_NOT_AUTHORISED',
        `${who} is not on ${authority ?? options.party}'s list of authorised signatories on ${day} (MIG-9.3)${matched ? '' : ': the certificate is registered for no one on it'}`,
      );
    }
  }

  return report({
    signer: summarise(certificate),
    signerCertificate: certificate,
    signingTime,
    signatureAlgorithm,
    content,
    signatoryId,
  });
}

/**
 * Revocation as of signing time, from every CRL of the party archived (revocationAt): for a
 * certificate expired since, too. No CRL covering the signing time means "could not check" —
 * never "not revoked". CRLs of intermediate CAs are not archived (a party's CRLs are its root
 * CA's), so a path through one cannot be judged.
 */
function checkRevocation(
  certificate: X509Certificate,
  pathLength: number,
  party: PartyTrust,
  signingTime: Date,
): { ok: true; detail: string } | { ok: false; code: EnvelopeErrorCode; detail: string } {
  const at = signingTime.toISOString();
  if (pathLength > 2) {
    return {
      ok: false,
      code: 'REVOCATION_STATUS_UNKNOWN',
      detail: `revocation cannot be checked: the path runs through an intermediate CA, whose CRLs ${party.party}'s archive does not hold`,
    };
  }
  const archive = party.archive;
  if (archive.length === 0) {
    return {
      ok: false,
      code: 'REVOCATION_STATUS_UNKNOWN',
      detail: `no CRL of ${party.party} is available, so revocation cannot be checked`,
    };
  }
  const verdict = revocationAt(certificate, archive, signingTime);
  switch (verdict.status) {
    case 'good':
      return {
        ok: true,
        detail: `not revoked at signing time ${at} (${verdict.basis.map(describeCrl).join(', ')} of ${party.party})`,
      };
    case 'revoked':
      return {
        ok: false,
        code: 'CERT_REVOKED',
        detail: `revoked by ${party.party}'s CA on ${verdict.revokedAt.toISOString()}, before signing time ${at} (${describeCrl(verdict.basis[0])})`,
      };
    case 'unknown':
      return {
        ok: false,
        code: 'REVOCATION_STATUS_UNKNOWN',
        detail: `revocation at signing time ${at} cannot be checked: ${verdict.reason.replace('of the issuer', `of ${party.party}`)}`,
      };
  }
}

/** Without lists, nobody is a signatory. */
const NO_SIGNATORIES: SignatoryDirectory = { known: () => [], isAuthorised: () => false };

function candidateCertificates(
  options: VerifySignedLayerOptions,
  signatories: SignatoryDirectory,
): X509Certificate[] {
  if (options.role === 'seal') return [...safeSeals(options)];
  return signatoriesToConsider(options, signatories).flatMap((s) => s.certificates);
}

function safeSeals(options: VerifySignedLayerOptions): readonly X509Certificate[] {
  try {
    return options.trust.party(options.party).seals;
  } catch {
    return [];
  }
}

/** Everyone ever on the lists the signer may be on: the authority's, or all of the party's. */
function signatoriesToConsider(
  options: VerifySignedLayerOptions,
  signatories: SignatoryDirectory,
): readonly SignatoryEntry[] {
  if (options.authority) return signatories.known(options.authority);
  return (options.treaty?.authoritiesOf(options.party) ?? []).flatMap((a) =>
    signatories.known(a.code),
  );
}

/** The signatory the certificate is registered for (any version of any list). */
function matchSignatory(
  certificate: X509Certificate,
  options: VerifySignedLayerOptions,
  signatories: SignatoryDirectory,
): SignatoryEntry | undefined {
  return signatoriesToConsider(options, signatories).find((s) =>
    s.certificates.some((c) => c.raw.equals(certificate.raw)),
  );
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

function reason(error: unknown): string {
  if (error instanceof EnvelopeError) return error.message.replace(/^[A-Z_]+: /, '');
  if (error instanceof CmsError) return error.message.replace(/^[A-Z_]+: /, '');
  return error instanceof Error ? error.message : String(error);
}
