import type { ConsentRefusalCode } from './consent-lifecycle.errors';
import type { ConsentState, ConsentTarget, ConsentTransitionInput } from './consent-lifecycle';

/** One named misuse of a consent's exchange and the code it must be refused with. */
export interface ForbiddenConsentTransition {
  readonly name: string;
  readonly input: ConsentTransitionInput;
  readonly code: ConsentRefusalCode;
}

const inState = (state: ConsentState): ConsentTarget => ({
  kind: 'consent',
  state,
  agreement: 'MIG',
});
const NONE = { kind: 'none' } as const;
const A_REQUEST = { kind: 'not-a-consent', type: 'request' } as const;

/**
 * Misuses a national system or a peer could attempt, each with the code it is refused with
 * (MIG-11.2, MIG-11.3). The unit spec checks them against `consentTransition`; the end-to-end
 * test replays some through both gateways.
 */
export const FORBIDDEN_CONSENT_TRANSITIONS: readonly ForbiddenConsentTransition[] = [
  {
    name: 'a grant for no consent-request',
    input: { target: NONE, type: 'consent-grant', side: 'provider', agreement: 'MIG' },
    code: 'CONSENT_NOT_FOUND',
  },
  {
    name: 'a grant answering a request (not a consent-request)',
    input: { target: A_REQUEST, type: 'consent-grant', side: 'provider', agreement: 'MIG' },
    code: 'NOT_A_CONSENT',
  },
  {
    name: 'a consent-request answering an earlier message',
    input: {
      target: inState('requested'),
      type: 'consent-request',
      side: 'requester',
      agreement: 'MIG',
    },
    code: 'CONSENT_NOT_AN_ANSWER',
  },
  {
    name: 'a grant under RET for a MIG consent',
    input: {
      target: inState('requested'),
      type: 'consent-grant',
      side: 'provider',
      agreement: 'RET',
    },
    code: 'CONSENT_AGREEMENT_MISMATCH',
  },
  {
    name: 'the requester grants its own consent-request',
    input: {
      target: inState('requested'),
      type: 'consent-grant',
      side: 'requester',
      agreement: 'MIG',
    },
    code: 'WRONG_SIDE',
  },
  {
    name: 'the requester revokes the grant it received',
    input: {
      target: inState('granted'),
      type: 'consent-revocation',
      side: 'requester',
      agreement: 'MIG',
    },
    code: 'WRONG_SIDE',
  },
  {
    name: 'a consent-request sent by the provider side',
    input: { target: NONE, type: 'consent-request', side: 'provider', agreement: 'MIG' },
    code: 'WRONG_SIDE',
  },
  {
    name: 'a revocation of a denied consent',
    input: {
      target: inState('denied'),
      type: 'consent-revocation',
      side: 'provider',
      agreement: 'MIG',
    },
    code: 'CONSENT_CLOSED',
  },
  {
    name: 'a grant after a denial',
    input: { target: inState('denied'), type: 'consent-grant', side: 'provider', agreement: 'MIG' },
    code: 'CONSENT_CLOSED',
  },
  {
    name: 'a grant after a revocation',
    input: {
      target: inState('revoked'),
      type: 'consent-grant',
      side: 'provider',
      agreement: 'MIG',
    },
    code: 'CONSENT_CLOSED',
  },
  {
    name: 'a second revocation',
    input: {
      target: inState('revoked'),
      type: 'consent-revocation',
      side: 'provider',
      agreement: 'MIG',
    },
    code: 'CONSENT_CLOSED',
  },
  {
    name: 'a second grant',
    input: {
      target: inState('granted'),
      type: 'consent-grant',
      side: 'provider',
      agreement: 'MIG',
    },
    code: 'NOT_AWAITED',
  },
  {
    name: 'a denial after a grant',
    input: {
      target: inState('granted'),
      type: 'consent-denial',
      side: 'provider',
      agreement: 'MIG',
    },
    code: 'NOT_AWAITED',
  },
  {
    name: 'a revocation of a consent never granted',
    input: {
      target: inState('requested'),
      type: 'consent-revocation',
      side: 'provider',
      agreement: 'MIG',
    },
    code: 'NOT_AWAITED',
  },
];
