import type { X509Certificate } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ContentKeyReuse } from '@mxg/cms';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import {
  agreementPolicy,
  EnvelopeError,
  type KeyStore,
  type MxgMessage,
  type OpenedEnvelope,
  openEnvelope,
  openReceipt,
  type Receipt,
  type RoutingHeaderMode,
  type SealedEnvelope,
  type SignatoryDirectory,
  sealEnvelope,
  type SigningKey,
  signReceipt,
  type TransportHeader,
  type TrustStore,
} from '@mxg/envelope';
import { checkMessageBody } from '@mxg/messages';
import { KEY_STORE } from '../keys/keys.constants';
import { TRUST_STORE } from './envelope.constants';
import { SIGNATORY_DIRECTORY } from '../signatories/signatories.constants';

/** Envelopes one content key encrypts at most (AES-256-CBC with random IVs: far below its limits). */
const CONTENT_KEY_MAX_USES = 100_000;

/**
 * The gateway's use of the secure envelope (issue 3): sealing what its national system sends,
 * opening what arrives, and sealing and checking receipts — with this gateway's keys, its trust
 * list, its clock and the treaty configuration.
 */
@Injectable()
export class EnvelopeService {
  private readonly contentKeys: ContentKeyReuse | undefined;

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    @Inject(TRUST_STORE) readonly trust: TrustStore,
    @Inject(KEY_STORE) readonly keys: KeyStore,
    /** MIG-9.3, MIG-9.4: who may sign for which authority when (lists received and sent). */
    @Inject(SIGNATORY_DIRECTORY) readonly signatories: SignatoryDirectory,
  ) {
    // Read now, so that a gateway with an invalid config/vocabularies.yaml does not start.
    void config.vocabulary;
    const seconds = config.gateway.exchange.contentKeyReuseSeconds;
    this.contentKeys =
      seconds > 0
        ? new ContentKeyReuse({
            maxAgeMs: seconds * 1000,
            maxUses: CONTENT_KEY_MAX_USES,
            now: () => clock.now().getTime(),
          })
        : undefined;
  }

  get party(): string {
    return this.config.gateway.party;
  }

  /**
   * Signs (or wraps a verified SignedData of `signatoryId`), encrypts and seals — only with
   * certificates in force now: a signatory or seal revoked since start-up is refused here
   * (CERT_REVOKED), never sent for the peer to refuse (sealEnvelope). `routingHeader: 'omitted'`
   * (MIG-11.1, a confidential request's exchange): no message header in clear on the outer
   * signature.
   */
  async seal(
    message: MxgMessage,
    signatory:
      | { key: SigningKey; signatoryId: string }
      | { signedData: Uint8Array; signatoryId: string; certificate?: X509Certificate },
    options: { readonly routingHeader?: RoutingHeaderMode } = {},
  ): Promise<SealedEnvelope> {
    const recipient = this.trust.party(message.header.to.party).encryption;
    if (!recipient) {
      throw new Error(`no encryption certificate is configured for ${message.header.to.party}`);
    }
    return sealEnvelope({
      message,
      signatory:
        'signedData' in signatory
          ? {
              signedData: signatory.signedData,
              // The certificate that verified it: with renewals, not necessarily the newest.
              certificate:
                signatory.certificate ?? this.signatoryCertificate(signatory.signatoryId),
            }
          : signatory.key,
      seal: await this.keys.seal(),
      recipient,
      trust: this.trust,
      policy: this.config.treaty.agreement(message.header.agreement).algorithms,
      signingTime: this.clock.now(),
      contentKeys: this.contentKeys,
      routingHeader: options.routingHeader ?? 'sealed',
    });
  }

  /** The certificate a verified pre-signed SignedData was matched to (MIG-9.3). */
  private signatoryCertificate(signatoryId: string): X509Certificate {
    const certificate = this.trust.signatoryCertificate(signatoryId);
    if (!certificate) {
      throw new EnvelopeError(
        'CERT_UNTRUSTED',
        `no certificate is configured for signatory ${signatoryId}`,
        'inner',
      );
    }
    return certificate;
  }

  /**
   * Opens an envelope as its recipient (openEnvelope), then checks the verified message's body
   * as the sending gateway should have (@mxg/messages): one with problems is refused as
   * MESSAGE_BODY_INVALID, its authenticated header kept so the sender gets a negative receipt.
   * The error names paths and codes only, never values (MIG-6, MIG-11.4). Warnings do not refuse.
   */
  async open(envelope: Uint8Array, transport: TransportHeader): Promise<OpenedEnvelope> {
    const opened = await this.openUnchecked(envelope, transport);
    const { header, body } = opened.message;
    const { problems } = checkMessageBody(
      header.type,
      body,
      this.config.vocabulary,
      this.clock.now(),
    );
    if (problems.length > 0) {
      const error = new EnvelopeError(
        'MESSAGE_BODY_INVALID',
        `the ${header.type} body breaks its schema: ${problems.map((p) => `${p.path} ${p.code}`).join('; ')}`,
        'message',
        { problems: problems.map(({ path, code, treaty }) => ({ path, code, treaty })) },
      );
      error.authenticatedHeader = opened.header;
      throw error;
    }
    return opened;
  }

  private openUnchecked(envelope: Uint8Array, transport: TransportHeader): Promise<OpenedEnvelope> {
    const { maxClockSkewSeconds, maxEnvelopeAgeSeconds, innerSigningWindowSeconds } =
      this.config.gateway.exchange;
    return openEnvelope(envelope, {
      self: this.party,
      keys: this.keys,
      trust: this.trust,
      treaty: this.config.treaty,
      now: this.clock.now(),
      maxSkewMs: maxClockSkewSeconds * 1000,
      // Not clock skew: how long an envelope may have waited (re-sends keep the first seal).
      maxAgeMs: maxEnvelopeAgeSeconds * 1000,
      // The signatory's signing time, within this before the seal (no backdating).
      innerSigningWindowMs: innerSigningWindowSeconds * 1000,
      transport,
      signatories: this.signatories,
    });
  }

  async signReceipt(receipt: Receipt, agreement: string | undefined): Promise<Uint8Array> {
    return signReceipt(
      receipt,
      await this.keys.seal(),
      agreementPolicy(agreement, this.config.treaty),
      this.clock.now(),
    );
  }

  async openReceipt(der: Uint8Array, agreement: string | undefined) {
    return openReceipt(der, {
      trust: this.trust,
      treaty: this.config.treaty,
      policy: agreementPolicy(agreement, this.config.treaty),
      now: this.clock.now(),
      maxSkewMs: this.config.gateway.exchange.maxClockSkewSeconds * 1000,
      self: this.party,
    });
  }
}
