import type { AuditEventType } from '@mxg/audit';
import type { MessageType } from '@mxg/config';
import type { ConsentRefusal, ConsentRefusalCode } from './consent-lifecycle.errors';

/**
 * The life of a consent to pass received information on to a third party (MIG-11.3) or to use
 * it for another purpose (MIG-11.2), as data. The authority that received the information (the
 * requester) asks; the authority that provided it (the provider) grants, denies, and may later
 * revoke a grant. Both gateways apply the same table to the same signed messages, so both hold
 * the same state. See docs/consent.md.
 */

export const CONSENT_STATES = ['requested', 'granted', 'denied', 'revoked'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/** Nothing may follow: a denial is final (ask again with a new consent-request), and so is a revocation. */
export const TERMINAL_CONSENT_STATES = [
  'denied',
  'revoked',
] as const satisfies readonly ConsentState[];

/** requester = asks for consent (it received the information); provider = sent it, decides. */
export const CONSENT_SIDES = ['requester', 'provider'] as const;
export type ConsentSide = (typeof CONSENT_SIDES)[number];

export const CONSENT_MESSAGE_TYPES = [
  'consent-request',
  'consent-grant',
  'consent-denial',
  'consent-revocation',
] as const satisfies readonly MessageType[];
export type ConsentMessageType = (typeof CONSENT_MESSAGE_TYPES)[number];

export function isConsentMessageType(type: MessageType): type is ConsentMessageType {
  return (CONSENT_MESSAGE_TYPES as readonly MessageType[]).includes(type);
}

export type ConsentAuditEvent = Extract<AuditEventType, `consent.${string}`>;

/** One allowed move: `type` sent by `side` while the consent is in one of `from`. */
export interface ConsentRule {
  readonly type: ConsentMessageType;
  readonly side: ConsentSide;
  /** `null`: there is no consent yet (the message asks for one). */
  readonly from: readonly (ConsentState | null)[];
  readonly to: ConsentState;
  readonly event: ConsentAuditEvent;
  readonly treaty: string;
}

/** Who sends each type. */
export const CONSENT_SENT_BY: Readonly<Record<ConsentMessageType, ConsentSide>> = {
  'consent-request': 'requester',
  'consent-grant': 'provider',
  'consent-denial': 'provider',
  'consent-revocation': 'provider',
};

/**
 * Every allowed move; anything else is refused (see `consentTransition`). Choices the treaty
 * leaves open, and why:
 * - A consent is answered once: a grant or a denial. Different terms (another date, other
 *   conditions) are a new consent-request, so every grant on record has one meaning.
 * - Only a grant can be revoked; a pending request is denied instead. A revocation is final,
 *   and takes effect for disclosures recorded after it arrives.
 */
export const CONSENT_RULES: readonly ConsentRule[] = [
  {
    type: 'consent-request',
    side: 'requester',
    from: [null],
    to: 'requested',
    event: 'consent.requested',
    treaty: 'MIG-11.2, MIG-11.3',
  },
  {
    type: 'consent-grant',
    side: 'provider',
    from: ['requested'],
    to: 'granted',
    event: 'consent.granted',
    treaty: 'MIG-11.3',
  },
  {
    type: 'consent-denial',
    side: 'provider',
    from: ['requested'],
    to: 'denied',
    event: 'consent.denied',
    treaty: 'MIG-11.3',
  },
  {
    type: 'consent-revocation',
    side: 'provider',
    from: ['granted'],
    to: 'revoked',
    event: 'consent.revoked',
    treaty: 'MIG-11.3',
  },
];

/** What the message names as the consent it belongs to. */
export type ConsentTarget =
  /** Nothing: a new consent-request — or an answer naming no consent this gateway holds. */
  | { readonly kind: 'none' }
  /** A message of another exchange (a request, a notice …): no consent was asked in it. */
  | { readonly kind: 'not-a-consent'; readonly type: MessageType }
  | { readonly kind: 'consent'; readonly state: ConsentState; readonly agreement: string };

export interface ConsentTransitionInput {
  readonly target: ConsentTarget;
  readonly type: ConsentMessageType;
  readonly side: ConsentSide;
  readonly agreement: string;
}

export type ConsentTransition =
  | {
      readonly ok: true;
      readonly state: ConsentState;
      readonly event: ConsentAuditEvent;
      readonly treaty: string;
    }
  | ConsentRefusal;

function describe(target: ConsentTarget): string {
  switch (target.kind) {
    case 'none':
      return 'naming no consent';
    case 'not-a-consent':
      return `answering a ${target.type}, which asks for no consent`;
    case 'consent':
      return `about a consent that is ${target.state}`;
  }
}

/**
 * The move `input` makes in a consent's life, or why it is refused. Pure; `rules` is the table
 * it reads (the treaty's, unless a test passes another).
 */
export function consentTransition(
  input: ConsentTransitionInput,
  rules: readonly ConsentRule[] = CONSENT_RULES,
): ConsentTransition {
  const { target, type, side } = input;
  const typeRules = rules.filter((r) => r.type === type);
  const article = typeRules[0]?.treaty ?? 'MIG-11.3';
  const refuse = (code: ConsentRefusalCode, why: string, treaty = article): ConsentRefusal => ({
    ok: false,
    code,
    message: `a ${type} from the ${side} authority ${describe(target)}: ${why} (${treaty})`,
    treaty,
  });
  const sender = CONSENT_SENT_BY[type];

  if (type === 'consent-request') {
    if (target.kind !== 'none') {
      return refuse(
        'CONSENT_NOT_AN_ANSWER',
        'a consent-request starts its own exchange; send it without naming an earlier message',
      );
    }
    if (side !== sender) {
      return refuse('WRONG_SIDE', 'the authority that asks for consent is its requester');
    }
    const opening = typeRules.find((r) => r.side === side && r.from.includes(null));
    if (!opening) return refuse('NOT_AWAITED', 'no rule opens a consent');
    return { ok: true, state: opening.to, event: opening.event, treaty: opening.treaty };
  }
  if (target.kind === 'none') {
    return refuse(
      'CONSENT_NOT_FOUND',
      `a ${type} answers a consent-request, and this gateway holds none between these authorities`,
    );
  }
  if (target.kind === 'not-a-consent') {
    return refuse('NOT_A_CONSENT', `only a consent-request is granted, denied or revoked`);
  }
  if (input.agreement !== target.agreement) {
    return refuse(
      'CONSENT_AGREEMENT_MISMATCH',
      `the message is under ${input.agreement}, its consent under ${target.agreement}`,
    );
  }
  if (side !== sender) {
    return refuse('WRONG_SIDE', `only the ${sender} authority sends a ${type}`);
  }
  const rule = typeRules.find((r) => r.side === side && r.from.includes(target.state));
  if (rule) return { ok: true, state: rule.to, event: rule.event, treaty: rule.treaty };
  if ((TERMINAL_CONSENT_STATES as readonly ConsentState[]).includes(target.state)) {
    return refuse(
      'CONSENT_CLOSED',
      `the consent is ${target.state}, which closes it; ask again with a new consent-request`,
    );
  }
  const awaited =
    target.state === 'requested'
      ? 'it awaits a grant or a denial'
      : 'it was granted: only a revocation may follow';
  return refuse(
    'NOT_AWAITED',
    `a ${type} is not allowed while the consent is ${target.state}; ${awaited}`,
  );
}
