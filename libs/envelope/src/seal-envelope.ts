import type { X509Certificate } from 'node:crypto';
import { type ContentKeyReuse, encryptCms, signCms } from '@mxg/cms';
import type { AlgorithmPolicy } from '@mxg/config';
import { encodeMessageAndHeader, messageDigest } from './message/canonical-message';
import type { MessageHeader, MxgMessage } from './message/message-header';
import { routingHeaderAttributeOf } from './routing-header.attribute';
import { signatureSchemeFor } from './signature-scheme';
import type { PartyTrust, SigningKey, TrustStore } from './trust/trust-store';
import { assertCertificateInForce } from './verify/certificate-in-force';

export interface SealEnvelopeInput {
  /** The message; its header is what both signatures bind. */
  readonly message: MxgMessage;
  /**
   * Inner signature: the signatory's key (MIG-9.3), or a SignedData they already made with
   * the certificate that verified it.
   */
  readonly signatory:
    SigningKey | { readonly signedData: Uint8Array; readonly certificate: X509Certificate };
  /** Outer signature: the sending gateway's seal. */
  readonly seal: SigningKey;
  /** The receiving gateway's encryption (key transport) certificate. */
  readonly recipient: X509Certificate;
  /** Both parties' anchors and current CRLs: every certificate used is checked against them. */
  readonly trust: TrustStore;
  readonly policy: AlgorithmPolicy;
  /** Also the time the certificates must be in force at. */
  readonly signingTime: Date;
  /** Reuse a wrapped content-encryption key across envelopes to a recipient (ContentKeyReuse). */
  readonly contentKeys?: ContentKeyReuse;
  /**
   * `sealed` (the default): the message header travels as a signed attribute of the outer
   * signature, in clear, so the receiver can refuse junk before decrypting. `omitted`: the outer
   * signature carries no routing header — nothing but the seal's certificate and the ciphertext
   * shows on the way (MIG-11.1, a confidential request's exchange); the receiver recognises the
   * seal, decrypts, and checks the header of the signed message instead (`openEnvelope`).
   */
  readonly routingHeader?: RoutingHeaderMode;
}

/** Whether the outer signature carries the message header in clear (`SealEnvelopeInput`). */
export type RoutingHeaderMode = 'sealed' | 'omitted';

export interface SealedEnvelope {
  /** Outer SignedData (DER): what travels. */
  readonly envelope: Uint8Array;
  /** Inner SignedData (DER): the legal signature, kept as evidence. */
  readonly inner: Uint8Array;
  readonly header: MessageHeader;
  /** `sha256:…` of the signed message content: what answers and receipts refer to. */
  readonly digest: string;
  /** The canonical message (RFC 8785) the digest is of, as encoded for signing. */
  readonly content: Uint8Array;
}

/**
 * Builds the RFC 2634 "triple wrap" (signed → encrypted → signed): the signatory's SignedData
 * over the canonical message; EnvelopedData of that for the receiving gateway (RSA-OAEP key
 * transport, AES-256); and the sending gateway's SignedData over the ciphertext, with the
 * message header sealed in as a signed attribute so the receiver can authenticate the routing
 * and refuse junk before decrypting anything — unless `routingHeader: 'omitted'` (MIG-11.1:
 * a confidential exchange shows no header in clear).
 *
 * A pre-signed inner SignedData must already have been verified by the caller
 * (`verifySignedLayer`); it is wrapped byte for byte.
 *
 * Nothing is signed or encrypted with a certificate that is not in force at the signing time:
 * the signatory's, the seal's (both against the sending party's CA and current CRL) and the
 * recipient's encryption certificate (against the receiving party's). So a revoked or expired
 * signatory or seal is refused at the sender — CERT_REVOKED, CERT_EXPIRED, or
 * REVOCATION_STATUS_UNKNOWN without a current CRL — instead of being sent for the receiver to
 * refuse, and no message is encrypted to a key its owner has revoked.
 */
export async function sealEnvelope(input: SealEnvelopeInput): Promise<SealedEnvelope> {
  await assertCertificatesInForce(input);
  const { content, header } = encodeMessageAndHeader(input.message);
  const inner =
    'signedData' in input.signatory
      ? input.signatory.signedData
      : await signCms(content, input.signatory, {
          scheme: signatureSchemeFor(input.signatory.certificate.publicKey, input.policy),
          signingTime: input.signingTime,
        });
  const enveloped = await encryptCms(
    inner,
    { certificate: input.recipient },
    { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc', reuse: input.contentKeys },
  );
  const envelope = await signCms(enveloped, input.seal, {
    scheme: signatureSchemeFor(input.seal.certificate.publicKey, input.policy),
    signingTime: input.signingTime,
    extraAttributes: input.routingHeader === 'omitted' ? [] : [routingHeaderAttributeOf(header)],
  });
  return {
    envelope,
    inner,
    header: input.message.header,
    digest: messageDigest(content),
    content,
  };
}

async function assertCertificatesInForce(input: SealEnvelopeInput): Promise<void> {
  const { from, to } = input.message.header;
  const at = input.signingTime;
  const sender = current(input.trust.party(from.party));
  const receiver = current(input.trust.party(to.party));
  await assertCertificateInForce(input.signatory.certificate, {
    trust: sender,
    at,
    layer: 'inner',
    what: "the signatory's certificate",
  });
  await assertCertificateInForce(input.seal.certificate, {
    trust: sender,
    at,
    layer: 'outer',
    what: `${from.party}'s gateway seal certificate`,
  });
  await assertCertificateInForce(input.recipient, {
    trust: receiver,
    at,
    layer: 'envelope',
    what: `${to.party}'s gateway encryption certificate`,
  });
}

/** One look at the party's CRLs for all of its certificates in this envelope. */
function current(trust: PartyTrust): Pick<PartyTrust, 'party' | 'anchors' | 'crls'> {
  return { party: trust.party, anchors: trust.anchors, crls: trust.crls };
}
