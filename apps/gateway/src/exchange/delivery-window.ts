import type { ExchangeSettings } from '@mxg/config';

/**
 * Until when a message whose envelope was sealed at `sealedAt` can still be delivered: every
 * copy of it carries that one seal, a receiver accepts it for `maxEnvelopeAgeSeconds` after it
 * (by a clock that may lag ours by up to `maxClockSkewSeconds`), and the receipt then needs
 * `receiptTimeoutSeconds` to come back. Until then a missing receipt is no failure — a copy may
 * be waiting in the receiver's queue through an outage — and after it no copy can be accepted.
 * The parties configure the same window; a late receipt still moves a message to `delivered`.
 */
export function deliverableUntil(
  sealedAt: Date,
  exchange: Pick<
    ExchangeSettings,
    'maxEnvelopeAgeSeconds' | 'maxClockSkewSeconds' | 'receiptTimeoutSeconds'
  >,
): Date {
  const seconds =
    exchange.maxEnvelopeAgeSeconds + exchange.maxClockSkewSeconds + exchange.receiptTimeoutSeconds;
  return new Date(sealedAt.getTime() + seconds * 1000);
}
