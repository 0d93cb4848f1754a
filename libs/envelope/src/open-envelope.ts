import { CmsError, decryptCms, parseEnvelopedData, parseSignedData } from '@mxg/cms';
import type { TreatyRegistry } from '@mxg/config';
import { agreementPolicy } from './algorithms/agreement-policy';
import { assertEnvelopeAlgorithmsAllowed } from './algorithms/algorithm-policy-check';
import { EnvelopeError } from './envelope.errors';
import { decodeMessage, messageDigest } from './message/canonical-message';
import { headerDifferences } from './message/headers-equal';
import type { MessageHeader, MxgMessage } from './message/message-header';
import { readRoutingHeader } from './routing-header.attribute';
import { assertExchangeAllowed } from './treaty-checks';
import type { KeyStore, TrustStore } from './trust/trust-store';
import { firstFailure, type LayerReport } from './verify/layer-report';
import { verifySignedLayer, type VerifySignedLayerOptions } from './verify/verify-signed-layer';

/** Routing data the transport carried beside the envelope (AMQP properties): never trusted alone. */
export interface TransportHeader {
  readonly id?: string;
  readonly type?: string;
  readonly agreement?: string;
  readonly fromParty?: string;
  readonly toParty?: string;
}

export interface OpenEnvelopeContext {
  /** The receiving gateway's party. */
  readonly self: string;
  readonly keys: KeyStore;
  readonly trust: TrustStore;
  readonly treaty: TreatyRegistry;
  readonly now: Date;
  /** How far a signing time may be ahead of `now` (clock skew); also behind it, without `maxAgeMs`. */
  readonly maxSkewMs: number;
  /**
   * The delivery window: how old the sending gateway's seal may be (ENVELOPE_TOO_OLD beyond).
   * A re-sent envelope keeps its first seal, and a copy may wait in the queue for as long as
   * the receiver is down, so this spans outages; replays inside it are caught by message id.
   */
  readonly maxAgeMs?: number;
  readonly transport?: TransportHeader;
}

export interface OpenedEnvelope {
  readonly message: MxgMessage;
  readonly header: MessageHeader;
  /** The signatory's SignedData (DER), kept as evidence (MIG-9.3). */
  readonly inner: Uint8Array;
  readonly digest: string;
  readonly outer: LayerReport;
  readonly innerReport: LayerReport;
  readonly signatoryId: string;
}

/**
 * Opens a triple-wrapped envelope as its recipient, refusing it at the first failed check with
 * a stable code. Order matters: everything that needs no private key — the sealed routing
 * header, the sender's seal and its chain, the treaty — is checked before decryption, so junk
 * and forgeries cost one signature verification and never reach the decryption key.
 */
export async function openEnvelope(
  envelope: Uint8Array,
  ctx: OpenEnvelopeContext,
): Promise<OpenedEnvelope> {
  const sealed = readSealed(envelope, ctx);
  if (sealed.header) assertAddressedAndAgreed(sealed.header, ctx);
  const policy = agreementPolicy(sealed.header?.agreement ?? ctx.transport?.agreement, ctx.treaty);
  const common = {
    trust: ctx.trust,
    treaty: ctx.treaty,
    now: ctx.now,
    maxSkewMs: ctx.maxSkewMs,
    party: sealed.party,
  };

  const outer = await verifySignedLayer(envelope, {
    ...common,
    maxAgeMs: ctx.maxAgeMs,
    policy,
    layer: 'outer',
    role: 'seal',
  });
  throwIfFailed(outer);
  try {
    return { ...(await openSealed(sealed, outer, ctx, common)), outer };
  } catch (error) {
    // Past the seal, the sender is authenticated: say so, so a negative receipt can go back.
    if (error instanceof EnvelopeError && sealed.header)
      error.authenticatedHeader ??= sealed.header;
    throw error;
  }
}

async function openSealed(
  sealed: { header?: MessageHeader; party: string },
  outer: LayerReport,
  ctx: OpenEnvelopeContext,
  common: Omit<VerifySignedLayerOptions, 'layer' | 'role' | 'policy'>,
): Promise<Omit<OpenedEnvelope, 'outer'>> {
  const policy = agreementPolicy(sealed.header?.agreement ?? ctx.transport?.agreement, ctx.treaty);
  if (sealed.header) assertExchangeAllowed(sealed.header, ctx.treaty, ctx.now);

  const inner = await decrypt(outer.content!, ctx, policy);
  // Read (not yet trust) the signed message: without a sealed header (an envelope made by
  // `openssl cms`) it says whose signature to expect; with one, a message that claims another
  // header is refused as such before its signature is weighed.
  const peeked = peekMessage(inner);
  const claimed = peeked?.message.header;
  const header = sealed.header ?? claimed;
  if (!header) {
    throw new EnvelopeError(
      'MALFORMED_ENVELOPE',
      'the decrypted content is not a SignedData carrying an MXG message',
      'inner',
    );
  }
  if (claimed) assertSameHeader(claimed, header);
  if (!sealed.header) {
    if (header.from.party !== sealed.party) {
      throw new EnvelopeError(
        'HEADER_MISMATCH',
        `the message is from ${header.from.party} but sealed by ${sealed.party}'s gateway`,
        'message',
      );
    }
    assertAddressedAndAgreed(header, ctx);
    try {
      assertExchangeAllowed(header, ctx.treaty, ctx.now);
      return await verifyInner(inner, peeked, header, common, ctx);
    } catch (error) {
      // No routing header was sealed (`openssl cms -sign` cannot add one), but the message read
      // from the decrypted content is inside what the sender's gateway sealed, and it is from
      // that gateway's party: the sender and the message id are authenticated all the same, so
      // a refusal here is answered with a negative receipt and audited under the message id.
      if (error instanceof EnvelopeError) error.authenticatedHeader = header;
      throw error;
    }
  }
  return verifyInner(inner, peeked, header, common, ctx);
}

/** The signatory's layer: its signature, chain and authority, and the message it signed. */
async function verifyInner(
  inner: Uint8Array,
  peeked: ReturnType<typeof peekMessage>,
  header: MessageHeader,
  common: Omit<VerifySignedLayerOptions, 'layer' | 'role' | 'policy'>,
  ctx: OpenEnvelopeContext,
): Promise<Omit<OpenedEnvelope, 'outer'>> {
  const innerReport = await verifySignedLayer(inner, {
    ...common,
    policy: agreementPolicy(header.agreement, ctx.treaty),
    layer: 'inner',
    role: 'signatory',
    authority: header.from.authority,
    futureSkewOnly: true,
  });
  throwIfFailed(innerReport);

  // The verified content is normally the very bytes peeked at: decoded once, not twice.
  const signedContent = innerReport.content!;
  const unchanged = peeked !== undefined && Buffer.compare(peeked.content, signedContent) === 0;
  const message = unchanged ? peeked.message : decodeMessage(signedContent);
  // The peeked message's header was compared with `header` above already.
  if (!unchanged) assertSameHeader(message.header, header);
  return {
    message,
    header,
    inner,
    digest: messageDigest(innerReport.content!),
    innerReport,
    signatoryId: innerReport.signatoryId!,
  };
}

/** The sealed routing header, if any, and the party whose gateway sealed the envelope. */
function readSealed(
  envelope: Uint8Array,
  ctx: OpenEnvelopeContext,
): { header?: MessageHeader; party: string } {
  let signer;
  try {
    const { signers } = parseSignedData(envelope);
    if (signers.length !== 1) throw new Error(`${signers.length} signers`);
    signer = signers[0]!;
  } catch (error) {
    throw new EnvelopeError(
      'MALFORMED_ENVELOPE',
      `not an MXG envelope: ${error instanceof Error ? error.message : String(error)}`,
      'outer',
    );
  }
  const header = readRoutingHeader(signer);
  if (header) return { header, party: header.from.party };
  const certificate = signer.certificate && Buffer.from(signer.certificate);
  const party = ctx.treaty
    .allParties()
    .map((p) => p.code)
    .find((code) => {
      try {
        return ctx.trust
          .party(code)
          .seals.some((seal) => certificate && seal.raw.equals(certificate));
      } catch {
        return false;
      }
    });
  if (!party) {
    throw new EnvelopeError(
      'SEAL_NOT_RECOGNISED',
      'the envelope has no sealed routing header and its signer is no known gateway seal',
      'outer',
    );
  }
  return { party };
}

function assertAddressedAndAgreed(header: MessageHeader, ctx: OpenEnvelopeContext): void {
  if (header.to.party !== ctx.self) {
    throw new EnvelopeError(
      'NOT_FOR_THIS_RECIPIENT',
      `the envelope is addressed to ${header.to.party}, not ${ctx.self}`,
      'outer',
    );
  }
  assertTransportAgrees(header, ctx.transport);
}

/** The message a SignedData's content claims to be, if it is a readable MXG message at all. */
function peekMessage(
  signedData: Uint8Array,
): { readonly message: MxgMessage; readonly content: Uint8Array } | undefined {
  try {
    const content = parseSignedData(signedData).encapsulatedContent;
    return content ? { message: decodeMessage(content), content } : undefined;
  } catch {
    return undefined;
  }
}

function assertSameHeader(signed: MessageHeader, sealed: MessageHeader): void {
  const differences = headerDifferences(signed, sealed);
  if (differences.length > 0) {
    throw new EnvelopeError(
      'HEADER_MISMATCH',
      `the signed message and the sealed routing header disagree on ${differences.join(', ')}`,
      'message',
    );
  }
}

function assertTransportAgrees(
  header: MessageHeader,
  transport: TransportHeader | undefined,
): void {
  if (!transport) return;
  const sealed: Record<keyof TransportHeader, string> = {
    id: header.id,
    type: header.type,
    agreement: header.agreement,
    fromParty: header.from.party,
    toParty: header.to.party,
  };
  const differing = (Object.keys(sealed) as (keyof TransportHeader)[]).filter(
    (k) => transport[k] !== undefined && transport[k] !== sealed[k],
  );
  if (differing.length > 0) {
    throw new EnvelopeError(
      'HEADER_MISMATCH',
      `the transport's ${differing.join(', ')} differ from the sealed header`,
      'outer',
    );
  }
}

async function decrypt(
  enveloped: Uint8Array,
  ctx: OpenEnvelopeContext,
  policy: Parameters<typeof assertEnvelopeAlgorithmsAllowed>[1],
): Promise<Uint8Array> {
  try {
    assertEnvelopeAlgorithmsAllowed(parseEnvelopedData(enveloped), policy);
  } catch (error) {
    if (error instanceof EnvelopeError) throw error;
    throw new EnvelopeError(
      'MALFORMED_ENVELOPE',
      'the sealed content is not a CMS EnvelopedData',
      'envelope',
    );
  }
  // Every encryption key generation held: a peer may still encrypt to the previous one.
  const recipients = await ctx.keys.decryption();
  try {
    return await decryptCms(enveloped, recipients);
  } catch (error) {
    if (error instanceof CmsError && error.code === 'NOT_FOR_THIS_RECIPIENT') {
      throw new EnvelopeError(
        'NOT_FOR_THIS_RECIPIENT',
        'the envelope is not encrypted for this gateway’s encryption certificate',
        'envelope',
      );
    }
    // Deliberately vague: no oracle on padding, key or structure.
    throw new EnvelopeError('DECRYPTION_FAILED', 'the envelope could not be decrypted', 'envelope');
  }
}

function throwIfFailed(report: LayerReport): void {
  const error = firstFailure(report);
  if (error) throw error;
}
