import { createHash } from 'node:crypto';

/**
 * What is kept of a refused delivery (#10.9): its size and SHA-256 — never its content, which
 * was not authenticated and may be anything. They go into the `message.rejected` (or refused
 * `receipt.received`) audit entry and onto the dead letter, so a refusal can be matched to the
 * bytes the sender still has.
 */
export interface DeliveryEvidence {
  /** Bytes, as delivered. */
  readonly size: number;
  /** `sha256:<hex>` of the bytes as delivered. */
  readonly digest: string;
}

export function deliveryEvidence(bytes: Uint8Array): DeliveryEvidence {
  return {
    size: bytes.byteLength,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
  };
}

/** The evidence as audit details: hashes and sizes only. */
export function evidenceDetails(evidence: DeliveryEvidence): {
  deliveryBytes: number;
  deliverySha256: string;
} {
  return { deliveryBytes: evidence.size, deliverySha256: evidence.digest };
}
