import { verify } from 'node:crypto';
import * as pkijs from 'pkijs';
import { describeSignatureAlgorithm, nodeKeyOptions, nodeSignatureParams } from './cms-algorithms';
import {
  formatNameDer,
  parseCertificate,
  pemToDer,
  type CertificateInput,
  type ParsedCertificate,
} from './certificate';
import { keyUsageOf } from './certificate-usage';
import { CmsError } from './cms.errors';
import { bytesKey, LruCache } from './lru-cache';

/** DER bytes or PEM text of an X.509 v2 CRL. */
export type CrlInput = Uint8Array | string;

export interface CertificateChainInput {
  readonly certificate: CertificateInput;
  readonly intermediates?: readonly CertificateInput[];
  readonly trustAnchors: readonly CertificateInput[];
  /**
   * When non-empty, every certificate below the anchor must be covered by a current CRL from
   * its issuer (OpenSSL's -crl_check_all); when empty or absent, revocation is not checked.
   */
  readonly crls?: readonly CrlInput[];
  readonly at: Date;
}

export type CertificateChainErrorCode =
  'CERT_UNTRUSTED' | 'CERT_EXPIRED' | 'CERT_REVOKED' | 'CERT_REVOCATION_UNKNOWN';

export interface CertificateSummary {
  readonly subject: string;
  readonly serialNumber: string;
}

export type CertificateChainResult =
  | {
      readonly valid: true;
      /** DER, from the certificate up to and including the trust anchor. */
      readonly path: readonly Uint8Array[];
      readonly revocationChecked: boolean;
    }
  | {
      readonly valid: false;
      readonly code: CertificateChainErrorCode;
      readonly message: string;
      /** The certificate at fault, when there is one. */
      readonly certificate?: CertificateSummary;
      readonly path?: readonly Uint8Array[];
    };

/** Deeper than any sane government hierarchy. */
const MAX_PATH_LENGTH = 8;
/**
 * Intermediates may come from a message (SignedData certificates), i.e. from an attacker who
 * can mint many mutually-signed CAs; this caps the issuer checks one validation may spend.
 */
const MAX_ISSUER_CHECKS = 64;

/**
 * The subset of RFC 5280 §6.1 path validation MXG relies on: signature and name chaining
 * (OpenSSL's X509_check_issued: names, AKI/SKI, keyCertSign), CA basic constraints and
 * pathLenConstraint, no unhandled critical extension, validity at `at` for every certificate
 * including the anchor, and CRLs. Not done: policy processing (a critical policyConstraints or
 * nameConstraints extension therefore fails the path), OCSP, delta / indirect CRLs.
 */
export function verifyCertificateChain(
  input: CertificateChainInput,
): Promise<CertificateChainResult> {
  // A promise so that OCSP or CRL fetching can be added without touching callers.
  return new Promise((resolve) => resolve(validate(input)));
}

function validate(input: CertificateChainInput): CertificateChainResult {
  const leaf = parseCertificate(input.certificate);
  const anchors = input.trustAnchors.map(parseCertificate);
  const intermediates = (input.intermediates ?? []).map(parseCertificate);
  const crls = (input.crls ?? []).map(parseCrl);
  const at = input.at;

  if (!understandsCriticalExtensions(leaf)) {
    return failure('CERT_UNTRUSTED', 'Certificate has an unsupported critical extension', leaf);
  }
  const path = cachedPath(leaf, anchors, intermediates);
  if (!path) return failure('CERT_UNTRUSTED', 'No path to a trust anchor', leaf);
  const pathDer = path.map((c) => c.der);

  for (const certificate of path) {
    const { notBefore, notAfter } = certificate.fields;
    if (at < notBefore.value) {
      return failure('CERT_EXPIRED', 'Certificate is not yet valid', certificate, pathDer);
    }
    if (at > notAfter.value) {
      return failure('CERT_EXPIRED', 'Certificate has expired', certificate, pathDer);
    }
  }

  if (crls.length > 0) {
    // The anchor is trusted by configuration; nothing above it could revoke it.
    for (let i = 0; i < path.length - 1; i += 1) {
      const status = revocationStatus(path[i], path[i + 1], crls, at);
      if (status === 'revoked') {
        return failure('CERT_REVOKED', 'Certificate is revoked', path[i], pathDer);
      }
      if (status === 'unknown') {
        return failure(
          'CERT_REVOCATION_UNKNOWN',
          'No current CRL from the issuer',
          path[i],
          pathDer,
        );
      }
    }
  }
  return { valid: true, path: pathDer, revocationChecked: crls.length > 0 };
}

/**
 * Every message from one signatory has the same path, and building it costs a signature
 * verification per link. What a found path proves — names, keys, CA flags, path lengths,
 * critical extensions, signatures — depends only on the certificates, so it is remembered per
 * (leaf, anchors, intermediates), by their identities in the certificate cache. Validity
 * periods and revocation depend on the time and are checked on every call. A failed search is
 * never remembered.
 */
const paths = new LruCache<string, readonly ParsedCertificate[]>(512);

function cachedPath(
  leaf: ParsedCertificate,
  anchors: readonly ParsedCertificate[],
  intermediates: readonly ParsedCertificate[],
): readonly ParsedCertificate[] | undefined {
  const key = `${leaf.id};${anchors.map((c) => c.id).join(',')};${intermediates.map((c) => c.id).join(',')}`;
  const known = paths.get(key);
  if (known) return known;
  const path = buildPath(leaf, anchors, intermediates);
  if (path) paths.set(key, path);
  return path;
}

/** Depth-first: tries every candidate issuer, so cross-certificates and key rollover work. */
function buildPath(
  leaf: ParsedCertificate,
  anchors: readonly ParsedCertificate[],
  intermediates: readonly ParsedCertificate[],
): ParsedCertificate[] | undefined {
  const isAnchor = (c: ParsedCertificate) => anchors.some((a) => sameDer(a, c));
  let budget = MAX_ISSUER_CHECKS;
  const extend = (path: ParsedCertificate[]): ParsedCertificate[] | undefined => {
    const current = path[path.length - 1];
    if (isAnchor(current)) return path;
    if (path.length >= MAX_PATH_LENGTH) return undefined;
    for (const candidate of [...anchors, ...intermediates]) {
      if (path.some((c) => sameDer(c, candidate))) continue;
      if (budget-- <= 0) return undefined;
      if (!canIssue(candidate, current, path.length - 1)) continue;
      const found = extend([...path, candidate]);
      if (found) return found;
    }
    return undefined;
  };
  return extend([leaf]);
}

function canIssue(
  issuer: ParsedCertificate,
  subject: ParsedCertificate,
  intermediatesBelow: number,
): boolean {
  const pathLength = pathLengthConstraint(issuer);
  return (
    issuer.x509.ca &&
    subject.x509.checkIssued(issuer.x509) &&
    (pathLength === undefined || intermediatesBelow <= pathLength) &&
    understandsCriticalExtensions(issuer) &&
    subject.x509.verify(issuer.x509.publicKey)
  );
}

const BASIC_CONSTRAINTS = '2.5.29.19';

function pathLengthConstraint(certificate: ParsedCertificate): number | undefined {
  const value: unknown = certificate.fields.extensions?.find(
    (e) => e.extnID === BASIC_CONSTRAINTS,
  )?.parsedValue;
  if (!(value instanceof pkijs.BasicConstraints) || value.pathLenConstraint === undefined) {
    return undefined;
  }
  const limit = value.pathLenConstraint;
  return typeof limit === 'number' ? limit : limit.valueBlock.valueDec;
}

/**
 * RFC 5280 §4.2: a certificate with a critical extension we do not process must be rejected.
 * certificatePolicies is listed because, without policy constraints (which are not listed), its
 * only effect in §6.1 is on the policy tree that MXG does not require.
 */
const UNDERSTOOD_CERTIFICATE_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.32', // certificatePolicies
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.37', // extKeyUsage
]);
const UNDERSTOOD_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35']); // cRLNumber, AKI
const UNDERSTOOD_CRL_ENTRY_EXTENSIONS = new Set(['2.5.29.21', '2.5.29.24']); // reasonCode, invalidityDate

function understandsCriticalExtensions(certificate: ParsedCertificate): boolean {
  return allUnderstood(certificate.fields.extensions, UNDERSTOOD_CERTIFICATE_EXTENSIONS);
}

function allUnderstood(
  extensions: readonly pkijs.Extension[] | undefined,
  understood: ReadonlySet<string>,
): boolean {
  return (extensions ?? []).every((e) => !e.critical || understood.has(e.extnID));
}

/** A CRL decoded once per distinct content, with what can be decided about it in advance. */
export interface ParsedCrl {
  readonly crl: pkijs.CertificateRevocationList;
  /** Hex of every listed serial number's contents octets. */
  readonly revoked: ReadonlySet<string>;
  readonly extensionsUnderstood: boolean;
  /** Whether `issuer` issued and signed this CRL, per issuer: it never changes. */
  readonly issuedBy: WeakMap<ParsedCertificate, boolean>;
}

/**
 * Keyed by content: a trust store that reloads a changed CRL hands over different bytes, which
 * are parsed and checked afresh; the old entry simply ages out.
 */
const parsedCrls = new LruCache<string, ParsedCrl>(64);
const parsedPemCrls = new LruCache<string, ParsedCrl>(64);

export function parseCrl(input: CrlInput): ParsedCrl {
  // PEM text is its own key: a trust store hands over the same string every time, whose hash
  // V8 keeps, where a prefixed copy would be hashed and compared in full at every call.
  const cache = typeof input === 'string' ? parsedPemCrls : parsedCrls;
  const key = typeof input === 'string' ? input : bytesKey(input);
  let parsed = cache.get(key);
  if (parsed) return parsed;
  let crl: pkijs.CertificateRevocationList;
  try {
    const der = typeof input === 'string' ? pemToDer(input, 'X509 CRL') : input;
    crl = pkijs.CertificateRevocationList.fromBER(der);
  } catch (error) {
    throw new CmsError('MALFORMED_CRL', 'CRL could not be parsed', { cause: String(error) });
  }
  const entries = crl.revokedCertificates ?? [];
  parsed = {
    crl,
    revoked: new Set(
      entries.map((e) => Buffer.from(e.userCertificate.valueBlock.valueHexView).toString('hex')),
    ),
    extensionsUnderstood:
      allUnderstood(crl.crlExtensions?.extensions, UNDERSTOOD_CRL_EXTENSIONS) &&
      entries.every((entry) =>
        allUnderstood(entry.crlEntryExtensions?.extensions, UNDERSTOOD_CRL_ENTRY_EXTENSIONS),
      ),
    issuedBy: new WeakMap(),
  };
  cache.set(key, parsed);
  return parsed;
}

/**
 * A CRL counts only if its issuer's key signed it, the issuer may sign CRLs, it is current at
 * `at` and it uses no extension we cannot honour (delta, partitioned or indirect CRLs).
 * Any listing revokes, whatever its date — as OpenSSL does.
 */
function revocationStatus(
  certificate: ParsedCertificate,
  issuer: ParsedCertificate,
  crls: readonly ParsedCrl[],
  at: Date,
): 'good' | 'revoked' | 'unknown' {
  const usable = crls.filter(
    (parsed) =>
      parsed.crl.thisUpdate.value <= at &&
      (parsed.crl.nextUpdate === undefined || at <= parsed.crl.nextUpdate.value) &&
      parsed.extensionsUnderstood &&
      issuedBy(parsed, issuer),
  );
  if (usable.length === 0) return 'unknown';
  const serial = Buffer.from(certificate.serial).toString('hex');
  return usable.some((parsed) => parsed.revoked.has(serial)) ? 'revoked' : 'good';
}

export function issuedBy(parsed: ParsedCrl, issuer: ParsedCertificate): boolean {
  let known = parsed.issuedBy.get(issuer);
  if (known === undefined) {
    known =
      parsed.crl.issuer.isEqual(issuer.fields.subject) &&
      (keyUsageOf(issuer.fields)?.includes('cRLSign') ?? true) &&
      crlSignatureVerifies(parsed.crl, issuer);
    parsed.issuedBy.set(issuer, known);
  }
  return known;
}

function crlSignatureVerifies(
  crl: pkijs.CertificateRevocationList,
  issuer: ParsedCertificate,
): boolean {
  try {
    // RFC 5280 §5.1.1.2: the outer algorithm must repeat the one inside tbsCertList.
    if (crl.signature.algorithmId !== crl.signatureAlgorithm.algorithmId) return false;
    const params = nodeSignatureParams(describeSignatureAlgorithm(crl.signatureAlgorithm));
    return verify(
      params.hash,
      crl.tbsView,
      { key: issuer.x509.publicKey, ...nodeKeyOptions(params) },
      crl.signatureValue.valueBlock.valueHexView,
    );
  } catch {
    return false;
  }
}

function sameDer(a: ParsedCertificate, b: ParsedCertificate): boolean {
  return Buffer.compare(a.der, b.der) === 0;
}

function failure(
  code: CertificateChainErrorCode,
  message: string,
  certificate: ParsedCertificate,
  path?: readonly Uint8Array[],
): CertificateChainResult {
  return {
    valid: false,
    code,
    message,
    certificate: {
      subject: formatNameDer(new Uint8Array(certificate.fields.subject.valueBeforeDecode)),
      serialNumber: certificate.x509.serialNumber,
    },
    path,
  };
}
