import { z } from 'zod';
import { parseSignedData, signCms } from '@mxg/cms';
import type { AlgorithmPolicy, TreatyRegistry } from '@mxg/config';
import canonicalize from 'canonicalize';
import { EnvelopeError } from '../envelope.errors';
import { signatureSchemeFor } from '../signature-scheme';
import type { SigningKey, TrustStore } from '../trust/trust-store';
import { firstFailure, type LayerReport } from '../verify/layer-report';
import { verifySignedLayer } from '../verify/verify-signed-layer';

export const RECEIPT_FORMAT = 'mxg-receipt/1';

/**
 * #10.9: the largest receipt a gateway accepts, in bytes (DER). A receipt is ids, a digest and
 * a code under one seal — about 1.2 KB with an ECDSA P-256 seal, 2.7 KB with RSA-4096 — so a
 * delivery claiming to be one and larger than this is refused before it is parsed
 * (RECEIPT_TOO_LARGE); the margin is for longer names and a certificate chain.
 */
export const MAX_RECEIPT_BYTES = 64 * 1024;

/**
 * Proof of receipt (non-repudiation of receipt): the receiving gateway states, under its seal,
 * that it received message `messageId` whose signed content had `digest`, and whether it
 * accepted it or refused it with `code`. Ids, digests and codes only: it travels unencrypted.
 */
export const receiptSchema = z.strictObject({
  format: z.literal(RECEIPT_FORMAT),
  messageId: z.uuid(),
  /** Of the signed message content; null when the envelope was refused before it was opened. */
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .nullable(),
  status: z.enum(['accepted', 'rejected']),
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]+$/)
    .nullable(),
  /** The receiving party, whose gateway seals the receipt. */
  from: z.string().regex(/^[A-Z]{2}$/),
  /** The sending party, to whom it goes back. */
  to: z.string().regex(/^[A-Z]{2}$/),
  receivedAt: z.iso.datetime({ offset: false, precision: 3 }),
  /**
   * MIG-10.3, for an accepted request only: the calendar date of receipt at the requested
   * authority (in its own time zone) and the legal deadline, 30 calendar days later. The
   * requester learns its deadline from this signed statement.
   */
  receivedOn: z.iso.date().optional(),
  dueOn: z.iso.date().optional(),
});

export type Receipt = z.infer<typeof receiptSchema>;

export async function signReceipt(
  receipt: Receipt,
  seal: SigningKey,
  policy: AlgorithmPolicy,
  signingTime: Date,
): Promise<Uint8Array> {
  const content = Buffer.from(canonicalize(receiptSchema.parse(receipt))!, 'utf8');
  return signCms(content, seal, {
    scheme: signatureSchemeFor(seal.certificate.publicKey, policy),
    signingTime,
  });
}

export interface OpenReceiptContext {
  readonly trust: TrustStore;
  readonly treaty: TreatyRegistry;
  readonly policy: AlgorithmPolicy;
  readonly now: Date;
  /**
   * How far the receipt's signing time may be ahead of `now`. There is no limit on its age: a
   * receipt is kept evidence, not a request — it may wait in the queue while its addressee is
   * down, a duplicate is answered with the receipt stored long ago, and a replayed one changes
   * nothing (the first for a message is the one recorded).
   */
  readonly maxSkewMs?: number;
  /** This gateway's party: a receipt must be addressed to it. */
  readonly self: string;
}

/** Verifies a receipt: sealed by the receiving party's gateway, addressed to us. */
export async function openReceipt(
  der: Uint8Array,
  ctx: OpenReceiptContext,
): Promise<{ receipt: Receipt; report: LayerReport }> {
  const claimed = peek(der);
  if (claimed.to !== ctx.self) {
    throw new EnvelopeError(
      'NOT_FOR_THIS_RECIPIENT',
      `the receipt is addressed to ${claimed.to}, not ${ctx.self}`,
      'outer',
    );
  }
  const report = await verifySignedLayer(der, {
    layer: 'outer',
    role: 'seal',
    party: claimed.from,
    trust: ctx.trust,
    treaty: ctx.treaty,
    policy: ctx.policy,
    now: ctx.now,
    maxSkewMs: ctx.maxSkewMs,
    futureSkewOnly: true,
  });
  const error = firstFailure(report);
  if (error) throw error;
  return { receipt: claimed, report };
}

function peek(der: Uint8Array): Receipt {
  try {
    const content = parseSignedData(der).encapsulatedContent;
    return receiptSchema.parse(JSON.parse(Buffer.from(content!).toString('utf8')));
  } catch {
    throw new EnvelopeError('MALFORMED_ENVELOPE', 'not an MXG receipt', 'outer');
  }
}
