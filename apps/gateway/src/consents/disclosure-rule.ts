import type { ConsentUse } from '@mxg/messages';
import type { ConsentRecord } from '../exchange/store/consent.types';

/** What a national system is about to do with received information (MIG-11.2, MIG-11.3). */
export interface DisclosureIntent {
  /** The received messages the information came in. */
  readonly messages: readonly string[];
  readonly use: ConsentUse;
  /** The third party's organisation code (onward-transfer). */
  readonly recipient: string | null;
  /** A `vocabulary.purposes` code (new-purpose; for an onward transfer, the third party's). */
  readonly purpose: string | null;
}

/** Why a disclosure is refused, from the registry. */
export const DISCLOSURE_REFUSAL_CODES = [
  /** No consent was granted for this use of these messages (none asked, or still pending). */
  'CONSENT_REQUIRED',
  /** The provider denied the matching consent. */
  'CONSENT_DENIED',
  /** The matching grant's last day (`validUntil`, at the provider authority) has passed. */
  'CONSENT_EXPIRED',
  /** The provider revoked the matching grant. */
  'CONSENT_REVOKED',
  /** A grant exists for these messages, but for another third party, purpose or messages. */
  'CONSENT_MISMATCH',
] as const;
export type DisclosureRefusalCode = (typeof DISCLOSURE_REFUSAL_CODES)[number];

export type DisclosureDecision =
  | { readonly ok: true; readonly consent: ConsentRecord }
  | {
      readonly ok: false;
      readonly code: DisclosureRefusalCode;
      /** The consent the refusal is about, if one matched or nearly did. */
      readonly consent: ConsentRecord | null;
    };

/**
 * Whether `c` is about exactly this disclosure: the same use; every named message among its
 * subjects; for an onward transfer the same third party (and, if the grant names the third
 * party's purpose, that purpose); for a new purpose that purpose.
 */
export function consentMatches(c: ConsentRecord, intent: DisclosureIntent): boolean {
  if (c.use !== intent.use) return false;
  if (!intent.messages.every((m) => c.messages.includes(m))) return false;
  if (intent.use === 'onward-transfer') {
    return (
      c.recipientId === intent.recipient && (c.purpose === null || c.purpose === intent.purpose)
    );
  }
  return c.purpose === intent.purpose;
}

/**
 * A grant holds through the end of its `validUntil` at the provider authority: expired once the
 * provider's calendar date (`providerToday(c)`) is after it.
 */
export const isExpired = (c: ConsentRecord, providerToday: string): boolean =>
  c.validUntil !== null && providerToday > c.validUntil;

/**
 * MIG-11.2, MIG-11.3: a disclosure goes ahead only under a grant that matches it, is unexpired
 * and unrevoked. Otherwise the refusal names the most telling reason: of the matching consents
 * the most recently changed that was answered (revoked, expired, denied); a grant for other
 * terms (mismatch); or none at all. `candidates`: the consents the discloser's authority asked
 * for that name any of the messages, newest change first.
 */
export function decideDisclosure(
  candidates: readonly ConsentRecord[],
  intent: DisclosureIntent,
  providerToday: (c: ConsentRecord) => string,
): DisclosureDecision {
  const matching = candidates.filter((c) => consentMatches(c, intent));
  const valid = matching
    .filter((c) => c.state === 'granted' && !isExpired(c, providerToday(c)))
    .sort((a, b) => (b.validUntil ?? '').localeCompare(a.validUntil ?? ''));
  if (valid.length > 0) return { ok: true, consent: valid[0] };
  const answered = matching.find((c) => c.state !== 'requested');
  if (answered) {
    const code =
      answered.state === 'revoked'
        ? 'CONSENT_REVOKED'
        : answered.state === 'denied'
          ? 'CONSENT_DENIED'
          : 'CONSENT_EXPIRED';
    return { ok: false, code, consent: answered };
  }
  const other = candidates.find((c) => c.state === 'granted' || c.state === 'revoked');
  if (other) return { ok: false, code: 'CONSENT_MISMATCH', consent: other };
  return { ok: false, code: 'CONSENT_REQUIRED', consent: matching[0] ?? null };
}
