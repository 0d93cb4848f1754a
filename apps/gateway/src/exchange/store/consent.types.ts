import type { ConsentSide, ConsentState } from '@mxg/lifecycle';
import type { ConsentUse } from '@mxg/messages';

export type { ConsentSide, ConsentState, ConsentUse };

/**
 * A consent as both gateways register it (MIG-11.2, MIG-11.3): ids, codes and dates — never the
 * justification or the conditions, which stay in the signed messages.
 */
export interface ConsentRecord {
  /** The consent-request's message id. */
  readonly id: string;
  readonly agreement: string;
  /** Which end this gateway holds: it asked (requester) or was asked (provider). */
  readonly side: ConsentSide;
  readonly requester: { readonly party: string; readonly authority: string };
  readonly provider: { readonly party: string; readonly authority: string };
  /** The received messages the information came in. */
  readonly messages: readonly string[];
  readonly use: ConsentUse;
  /** The third party's organisation code (onward-transfer). */
  readonly recipientId: string | null;
  /** A `vocabulary.purposes` code (new-purpose; optionally the third party's purpose). */
  readonly purpose: string | null;
  readonly state: ConsentState;
  readonly stateAt: Date;
  readonly requestedAt: Date;
  readonly grantMessageId: string | null;
  readonly denialMessageId: string | null;
  readonly revocationMessageId: string | null;
  /** The grant's last day (YYYY-MM-DD), inclusive, at the provider authority. */
  readonly validUntil: string | null;
}

export type NewConsent = Omit<
  ConsentRecord,
  'grantMessageId' | 'denialMessageId' | 'revocationMessageId' | 'validUntil' | 'stateAt'
>;

/** What a consent's later message records: its state, and the message that moved it there. */
export interface ConsentAdvance {
  readonly state: ConsentState;
  readonly at: Date;
  readonly grantMessageId?: string | null;
  readonly denialMessageId?: string | null;
  readonly revocationMessageId?: string | null;
  readonly validUntil?: string | null;
}

/** What `GET /consents` filters by. `authority`: only those it is an end of (a national system). */
export interface ConsentFilter {
  readonly authority?: string;
  readonly state?: ConsentState;
  readonly use?: ConsentUse;
  /** Consents naming this received message. */
  readonly message?: string;
  /** Paging: consents after this one, in the order they were requested. */
  readonly after?: { readonly requestedAt: Date; readonly id: string };
  readonly limit: number;
}

/** What the gateway knows of a message a consent-request names. */
export interface ConsentSubject {
  readonly id: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly agreement: string;
  readonly fromAuthority: string;
  readonly toAuthority: string;
  readonly status: string;
}
