import { X509Certificate } from 'node:crypto';
import { parseSignedData } from '@mxg/cms';
import {
  decodeMessage,
  EnvelopeError,
  type LayerReport,
  type MessageHeader,
  type Receipt,
  receiptSchema,
  readRoutingHeader,
  type TrustStore,
} from '@mxg/envelope';
import { SignatureCheckError } from './signature-check.errors';

/** What an artefact is, and so whose signature, in which role, it must be. */
export type SignatureTarget =
  | { readonly kind: 'outer'; readonly header: MessageHeader; readonly party: string }
  | { readonly kind: 'inner'; readonly header: MessageHeader; readonly party: string }
  | { readonly kind: 'receipt'; readonly receipt: Receipt; readonly party: string }
  | { readonly kind: 'other'; readonly party: string; readonly signer?: X509Certificate }
  | { readonly kind: 'malformed'; readonly report: LayerReport };

export type SignatureKind = SignatureTarget['kind'];

export interface ClassifyOptions {
  readonly detachedContent?: Uint8Array;
  /** Whose PKI issued the signer, when the caller says so; else found from the artefact. */
  readonly party?: string;
  readonly trust: TrustStore;
}

/**
 * An envelope carries its routing header in the seal's signed attributes; a signatory's
 * signature carries (or is given) an MXG message, whose header names the signer's authority; a
 * receipt names the party that sealed it. Anything else is found by its signer's issuer among
 * the trust anchors (or `party` says whose it is). Bytes that are no SignedData, or whose
 * routing header is broken, are `malformed` — a report, not an error. Never decrypts.
 */
export function classifySignature(der: Uint8Array, options: ClassifyOptions): SignatureTarget {
  let info;
  try {
    info = parseSignedData(der);
  } catch (error) {
    return {
      kind: 'malformed',
      report: malformed(
        `not a CMS SignedData: ${error instanceof Error ? error.message : String(error)}`,
      ),
    };
  }
  let header: MessageHeader | undefined;
  try {
    header = info.signers.length === 1 ? readRoutingHeader(info.signers[0]) : undefined;
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    return { kind: 'malformed', report: malformed(error.message.replace(/^[A-Z_]+: /, '')) };
  }
  if (header) return { kind: 'outer', header, party: header.from.party };
  const detached = options.detachedContent;
  if (!info.encapsulatedContent && !detached) {
    throw new SignatureCheckError(
      'DETACHED_CONTENT_MISSING',
      'the signature is detached: the signed content is needed to check it',
    );
  }
  const content = info.encapsulatedContent ?? detached;
  const message = content && tryDecodeMessage(content);
  if (message) return { kind: 'inner', header: message.header, party: message.header.from.party };
  const receipt = info.encapsulatedContent && tryReadReceipt(info.encapsulatedContent);
  if (receipt) return { kind: 'receipt', receipt, party: receipt.from };
  const carried = info.signers.length === 1 ? info.signers[0].certificate : undefined;
  const signer = carried ? toCertificate(carried) : undefined;
  if (options.party) return { kind: 'other', party: options.party.toUpperCase(), signer };
  const party = signer && partyOfIssuer(options.trust, signer);
  if (!party) {
    throw new SignatureCheckError(
      'SIGNER_PARTY_UNKNOWN',
      signer
        ? `the signer's issuer (${oneLine(signer.issuer)}) is none of the trusted CAs`
        : 'the signature carries no signer certificate, so whose PKI issued the signer is unknown',
      signer ? { issuer: oneLine(signer.issuer) } : {},
    );
  }
  return { kind: 'other', party, signer };
}

/**
 * The party whose trust anchor issued `certificate` (its issuer's name and key), if any: how a
 * signature that names no party — a plain `openssl cms -sign` one — says whose it is.
 */
export function partyOfIssuer(trust: TrustStore, certificate: X509Certificate): string | undefined {
  return trust.parties().find((party) => {
    try {
      return trust.party(party).anchors.some((anchor) => issuedBy(certificate, anchor));
    } catch {
      return false;
    }
  });
}

/** Whether `ca` issued `certificate`: its name, and its key's signature. */
export function issuedBy(certificate: X509Certificate, ca: X509Certificate): boolean {
  try {
    return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
  } catch {
    return false;
  }
}

function tryDecodeMessage(content: Uint8Array) {
  try {
    return decodeMessage(content);
  } catch {
    return undefined;
  }
}

function tryReadReceipt(content: Uint8Array): Receipt | undefined {
  try {
    const parsed = receiptSchema.safeParse(JSON.parse(Buffer.from(content).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function toCertificate(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(Buffer.from(der));
  } catch {
    return undefined;
  }
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function malformed(detail: string): LayerReport {
  return {
    layer: 'outer',
    checks: [{ name: 'structure', ok: false, code: 'MALFORMED_ENVELOPE', detail }],
    valid: false,
    inconclusive: false,
  };
}
