import { createHash, X509Certificate } from 'node:crypto';
import { verifyCertificateChain } from '@mxg/cms';
import type { Names } from '@mxg/config';
import type { MessageHeader } from '@mxg/envelope';
import { localDate } from '@mxg/lifecycle';
import type { SignatoryListRefusal } from './signatories.errors';
import type { SignatoryListVersion } from './signatory-list.types';

export const SIGNATORY_LIST_UPDATE = 'signatory-list-update';

/** The body of a `signatory-list-update` as its schema (@mxg/messages) admitted it. */
export interface SignatoryListUpdateBody {
  readonly authority: string;
  readonly effectiveFrom: string;
  readonly version: number;
  readonly signatories: readonly {
    readonly id: string;
    readonly person: Names;
    readonly position: Names;
    readonly certificates: readonly string[];
    readonly sampleSignature: string;
  }[];
  readonly attachments: readonly { readonly id: string; readonly sha256: string }[];
  readonly note?: string;
}

/** JSON with object keys sorted at every level: one text for one list, however it was spelt. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The list's digest: SHA-256 (hex) of the body's canonical JSON — persons, positions,
 * certificates and the sample forms' bytes — so two copies of one version compare equal and the
 * audit log can name a list without its names.
 */
export function signatoryListDigest(body: SignatoryListUpdateBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** SHA-256 fingerprint of a certificate, lower-case hex without colons. */
export function certificateSha256(certificate: X509Certificate): string {
  return certificate.fingerprint256.replace(/:/g, '').toLowerCase();
}

/**
 * The version a list update states, as this gateway keeps it. Throws for a certificate that is
 * not DER X.509 — `signatoryListRefusal` refuses such a list before it gets here.
 */
export function signatoryListVersion(
  header: MessageHeader,
  body: SignatoryListUpdateBody,
  signedAt: Date,
  direction: 'sent' | 'received',
  appliedAt: Date,
): SignatoryListVersion {
  return {
    authority: body.authority,
    version: body.version,
    effectiveFrom: body.effectiveFrom,
    listSha256: signatoryListDigest(body),
    signatories: body.signatories.map((s) => ({
      id: s.id,
      position: s.position,
      certificates: s.certificates.map((c) => new X509Certificate(Buffer.from(c, 'base64'))),
    })),
    messageId: header.id,
    direction,
    toAuthority: header.to.authority,
    signedAt,
    appliedAt,
  };
}

export interface SignatoryListCheck {
  readonly header: MessageHeader;
  readonly body: SignatoryListUpdateBody;
  /** The inner signing time of the message carrying it. */
  readonly signedAt: Date;
  /** The trust anchors of the sending party (its CA). */
  readonly anchors: readonly X509Certificate[];
  /** The authority's time zone (authorities.yaml): its days are the list's days. */
  readonly timeZone: string;
  /** Every version of the authority's list held here, lowest first. */
  readonly held: readonly SignatoryListVersion[];
}

/**
 * MIG-9.3, MIG-9.4: what makes a list update unacceptable once its signature has been verified
 * (signed by someone on the list in force when it was signed): it is the sender's own
 * authority's list, every certificate chains to the sending party's CA, it takes effect no
 * earlier than the day it was signed (it cannot authorise signatures already made), and its
 * version is above every one held — or repeats one held, list for list (a copy of a version to
 * another authority). `null`: it holds.
 */
export async function signatoryListRefusal(
  check: SignatoryListCheck,
): Promise<SignatoryListRefusal | null> {
  const { header, body, signedAt, anchors, timeZone, held } = check;
  if (body.authority !== header.from.authority) {
    return {
      code: 'SIGNATORY_LIST_INVALID',
      message: `${header.from.authority} sent a signatory list of ${body.authority}: an authority notifies its own list only (MIG-9.4)`,
    };
  }
  for (const [i, signatory] of body.signatories.entries()) {
    for (const [j, der] of signatory.certificates.entries()) {
      const where = `signatories[${i}].certificates[${j}]`;
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(Buffer.from(der, 'base64'));
      } catch {
        return { code: 'SIGNATORY_LIST_INVALID', message: `${where} is not an X.509 certificate` };
      }
      // The chain as of the certificate's own start: an older renewal may have expired since.
      const chain = await verifyCertificateChain({
        certificate: certificate.raw,
        trustAnchors: anchors.map((a) => a.raw),
        at: new Date(certificate.validFrom),
      });
      if (!chain.valid && chain.code === 'CERT_UNTRUSTED') {
        return {
          code: 'SIGNATORY_LIST_INVALID',
          message: `${where} does not chain to ${header.from.party}'s certificate authority (MIG-9.3)`,
        };
      }
    }
  }
  const signedOn = localDate(signedAt, timeZone);
  if (body.effectiveFrom < signedOn) {
    return {
      code: 'SIGNATORY_LIST_RETROACTIVE',
      message: `the list takes effect on ${body.effectiveFrom}, before it was signed on ${signedOn} (MIG-9.4)`,
    };
  }
  const latest = held.at(-1);
  const same = held.find((v) => v.version === body.version);
  if (same && same.listSha256 === signatoryListDigest(body)) return null;
  if (latest && body.version <= latest.version) {
    return {
      code: 'SIGNATORY_LIST_STALE',
      message: same
        ? `version ${body.version} of ${body.authority}'s list is held already with another list`
        : `version ${body.version} of ${body.authority}'s list is not above version ${latest.version}, held already`,
    };
  }
  return null;
}
