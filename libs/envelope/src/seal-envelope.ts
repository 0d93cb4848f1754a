import type { X509Certificate } from 'node:crypto';
import { type ContentKeyReuse, encryptCms, signCms } from '@mxg/cms';
import type { AlgorithmPolicy } from '@mxg/config';
import { encodeMessageAndHeader, messageDigest } from './message/canonical-message';
import type { MessageHeader, MxgMessage } from './message/message-header';
import { routingHeaderAttributeOf } from './routing-header.attribute';
import { signatureSchemeFor } from './signature-scheme';
import type { KeyPair } from './trust/trust-store';

export interface SealEnvelopeInput {
  /** The message; its header is what both signatures bind. */
  readonly message: MxgMessage;
  /** Inner signature: the signatory's key (MIG-9.3), or a SignedData they already made. */
  readonly signatory: KeyPair | { readonly signedData: Uint8Array };
  /** Outer signature: the sending gateway's seal. */
  readonly seal: KeyPair;
  /** The receiving gateway's encryption (key transport) certificate. */
  readonly recipient: X509Certificate;
  readonly policy: AlgorithmPolicy;
  readonly signingTime: Date;
  /** Reuse a wrapped content-encryption key across envelopes to a recipient (ContentKeyReuse). */
  readonly contentKeys?: ContentKeyReuse;
}

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
 * and refuse junk before decrypting anything.
 *
 * A pre-signed inner SignedData must already have been verified by the caller
 * (`verifySignedLayer`); it is wrapped byte for byte.
 */
export async function sealEnvelope(input: SealEnvelopeInput): Promise<SealedEnvelope> {
  const { content, header } = encodeMessageAndHeader(input.message);
  const inner =
    'signedData' in input.signatory
      ? input.signatory.signedData
      : await signCms(
          content,
          { certificate: input.signatory.certificate, privateKey: input.signatory.privateKey },
          {
            scheme: signatureSchemeFor(input.signatory.privateKey, input.policy),
            signingTime: input.signingTime,
          },
        );
  const enveloped = await encryptCms(
    inner,
    { certificate: input.recipient },
    { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc', reuse: input.contentKeys },
  );
  const envelope = await signCms(
    enveloped,
    { certificate: input.seal.certificate, privateKey: input.seal.privateKey },
    {
      scheme: signatureSchemeFor(input.seal.privateKey, input.policy),
      signingTime: input.signingTime,
      extraAttributes: [routingHeaderAttributeOf(header)],
    },
  );
  return {
    envelope,
    inner,
    header: input.message.header,
    digest: messageDigest(content),
    content,
  };
}
