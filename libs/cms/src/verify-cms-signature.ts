import { createHash, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { nodeKeyOptions, nodeSignatureParams, type SignatureFamily } from './cms-algorithms';
import {
  findCertificate,
  parseCertificate,
  type CertificateInput,
  type ParsedCertificate,
} from './certificate';
import { CmsError } from './cms.errors';
import { describePublicKey, type PublicKeyInfo } from './keys';
import { decodeSignedData, type DecodedSigner, type SignerReport } from './parse-signed-data';

export interface VerifyCmsSignatureOptions {
  /** The content of a detached signature. */
  readonly detachedContent?: Uint8Array;
  /** Extra candidates for signer certificates (e.g. when the sender used `-nocerts`). */
  readonly certificates?: readonly CertificateInput[];
}

export interface VerifiedSigner extends SignerReport {
  readonly certificate: Uint8Array;
  readonly publicKey: PublicKeyInfo;
  readonly messageDigest: Uint8Array;
}

export interface VerifiedSignedData {
  readonly contentType: string;
  /** The content that was signed: encapsulated, or the detached content passed in. */
  readonly content: Uint8Array;
  /** Every certificate carried, DER; chain building is the caller's (verifyCertificateChain). */
  readonly certificates: readonly Uint8Array[];
  readonly signers: readonly VerifiedSigner[];
}

/**
 * Checks every SignerInfo cryptographically: message-digest against the content, signature
 * over the signed attributes with the matched certificate's key (RFC 5652 §5.4, §5.6).
 * Says nothing about trust, validity, key usage or whether the algorithms are acceptable —
 * the result reports them exactly so the caller can decide.
 */
export function verifyCmsSignature(
  der: Uint8Array,
  options: VerifyCmsSignatureOptions = {},
): Promise<VerifiedSignedData> {
  return new Promise((resolve) => resolve(verifySignedData(der, options)));
}

function verifySignedData(der: Uint8Array, options: VerifyCmsSignatureOptions): VerifiedSignedData {
  const decoded = decodeSignedData(der);
  const { encapsulatedContent, contentType } = decoded.info;
  const content = pickContent(encapsulatedContent, options.detachedContent);
  if (decoded.signers.length === 0) {
    throw new CmsError('MALFORMED_CMS', 'SignedData has no signers');
  }
  const candidates = [
    ...decoded.certificates,
    ...(options.certificates ?? []).map(parseCertificate),
  ];
  const signers: VerifiedSigner[] = [];
  for (const [index, signer] of decoded.signers.entries()) {
    signers.push(verifySigner(signer, index, content, contentType, candidates));
  }
  return { contentType, content, certificates: decoded.info.certificates, signers };
}

function pickContent(
  encapsulated: Uint8Array | undefined,
  detached: Uint8Array | undefined,
): Uint8Array {
  if (encapsulated && detached) {
    throw new CmsError(
      'MALFORMED_CMS',
      'SignedData carries content, but detached content was supplied too',
    );
  }
  const content = encapsulated ?? detached;
  if (!content) {
    throw new CmsError('MALFORMED_CMS', 'Detached signature: the content must be supplied');
  }
  return content;
}

function verifySigner(
  signer: DecodedSigner,
  index: number,
  content: Uint8Array,
  contentType: string,
  candidates: readonly ParsedCertificate[],
): VerifiedSigner {
  const { report, signedAttributes, signature } = signer;
  const invalid = (reason: string) =>
    new CmsError('SIGNATURE_INVALID', `Signer ${index}: ${reason}`, { signer: index });
  // Without signed attributes nothing binds content type or signing time; MXG refuses them.
  if (!signedAttributes || !report.messageDigest) {
    throw new CmsError('MALFORMED_CMS', `Signer ${index} has no signed attributes`, {
      signer: index,
    });
  }
  const params = nodeSignatureParams(report.signatureAlgorithm);
  const { digestAlgorithm, signatureAlgorithm } = report;
  // One hash for content and attributes; a mismatch is an algorithm-substitution smell.
  if (digestAlgorithm.name !== params.hash) {
    throw new CmsError('UNSUPPORTED_ALGORITHM', `Signer ${index}: unsupported digest algorithm`, {
      digestAlgorithm,
      signatureAlgorithm,
    });
  }
  const certificate = findCertificate(candidates, signer.sid);
  if (!certificate) {
    throw new CmsError('SIGNER_CERTIFICATE_MISSING', `No certificate for signer ${index}`, {
      sid: report.sid,
    });
  }
  const publicKey = certificate.x509.publicKey;
  if (!keyFitsFamily(publicKey, params.family)) {
    throw invalid(`${params.family} signature from a ${publicKey.asymmetricKeyType} key`);
  }
  // RFC 5652 §11.1: the content-type attribute must repeat eContentType.
  if (report.contentTypeAttribute !== contentType) {
    throw invalid('content-type attribute does not match eContentType');
  }
  const digest = createHash(params.hash).update(content).digest();
  if (
    digest.length !== report.messageDigest.length ||
    !timingSafeEqual(digest, report.messageDigest)
  ) {
    throw invalid('message digest does not match the content');
  }
  const ok = verifySync(
    params.hash,
    signedAttributes,
    { key: publicKey, ...nodeKeyOptions(params) },
    signature,
  );
  if (!ok) throw invalid('signature does not verify');
  return {
    ...report,
    certificate: certificate.der,
    publicKey: describePublicKey(publicKey),
    messageDigest: report.messageDigest,
  };
}

function keyFitsFamily(key: KeyObject, family: SignatureFamily): boolean {
  const type = key.asymmetricKeyType;
  switch (family) {
    case 'ecdsa':
      return type === 'ec';
    case 'rsa-pkcs1':
      return type === 'rsa';
    case 'rsa-pss':
      return type === 'rsa' || type === 'rsa-pss';
  }
}

/**
 * A malformed signature value makes OpenSSL error rather than say false; both mean invalid.
 *
 * Synchronous on purpose, like signing (sign-cms.ts). node's callback form verifies on the
 * libuv pool and the hop costs more CPU than the verification (node 20, OpenSSL 3.0, measured
 * with process.cpuUsage, pool threads included): ECDSA P-256 ≈ 54 µs sync against ≈ 107 µs
 * awaited one at a time on the pool and ≈ 70 µs with 16 in flight; RSA-2048 ≈ 24 µs sync
 * against ≈ 76 µs. Verifying is never cheaper on the pool, and on busy cores it buys nothing.
 */
function verifySync(
  hash: string,
  data: Uint8Array,
  key: Parameters<typeof verify>[2],
  signature: Uint8Array,
): boolean {
  try {
    return verify(hash, data, key, signature);
  } catch {
    return false;
  }
}
