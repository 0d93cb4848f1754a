import type { ClaimRefusalCode } from './claim-lifecycle.errors';
import type { ClaimState, ClaimTarget, ClaimTransitionInput } from './claim-lifecycle';

/** One named misuse of a claim's exchange and the code it must be refused with. */
export interface ForbiddenClaimTransition {
  readonly name: string;
  readonly input: ClaimTransitionInput;
  readonly code: ClaimRefusalCode;
}

const inState = (state: ClaimState): ClaimTarget => ({ kind: 'claim', state, agreement: 'RET' });
const NONE = { kind: 'none' } as const;

/**
 * Misuses a national system or a peer could attempt, each with the code it is refused with
 * (RET-3.1, RET-4). The unit spec checks them against `claimTransition`; the end-to-end test
 * replays some through both gateways.
 */
export const FORBIDDEN_CLAIM_TRANSITIONS: readonly ForbiddenClaimTransition[] = [
  {
    name: 'a claim from the state of residence (the wrong direction)',
    input: { target: NONE, type: 'reimbursement-claim', side: 'residence', agreement: 'RET' },
    code: 'CLAIM_WRONG_SIDE',
  },
  {
    name: 'a claim answering an earlier message',
    input: {
      target: inState('submitted'),
      type: 'reimbursement-claim',
      side: 'stay',
      agreement: 'RET',
    },
    code: 'CLAIM_NOT_AN_ANSWER',
  },
  {
    name: 'a payment for no claim',
    input: { target: NONE, type: 'payment-confirmation', side: 'residence', agreement: 'RET' },
    code: 'CLAIM_NOT_FOUND',
  },
  {
    name: 'a payment answering a MIG request',
    input: {
      target: { kind: 'not-a-claim', type: 'request' },
      type: 'payment-confirmation',
      side: 'residence',
      agreement: 'RET',
    },
    code: 'NOT_A_CLAIM',
  },
  {
    name: 'the claiming state confirms its own payment',
    input: {
      target: inState('submitted'),
      type: 'payment-confirmation',
      side: 'stay',
      agreement: 'RET',
    },
    code: 'CLAIM_WRONG_SIDE',
  },
  {
    name: 'the claiming state queries its own claim',
    input: { target: inState('submitted'), type: 'claim-query', side: 'stay', agreement: 'RET' },
    code: 'CLAIM_WRONG_SIDE',
  },
  {
    name: 'the paying state replies to its own query',
    input: { target: inState('queried'), type: 'claim-reply', side: 'residence', agreement: 'RET' },
    code: 'CLAIM_WRONG_SIDE',
  },
  {
    name: 'a reply nobody asked for',
    input: { target: inState('submitted'), type: 'claim-reply', side: 'stay', agreement: 'RET' },
    code: 'CLAIM_NOT_AWAITED',
  },
  {
    name: 'a second payment',
    input: {
      target: inState('paid'),
      type: 'payment-confirmation',
      side: 'residence',
      agreement: 'RET',
    },
    code: 'CLAIM_CLOSED',
  },
  {
    name: 'a dispute after payment',
    input: { target: inState('paid'), type: 'claim-dispute', side: 'residence', agreement: 'RET' },
    code: 'CLAIM_CLOSED',
  },
  {
    name: 'a payment under MIG for a RET claim',
    input: {
      target: inState('submitted'),
      type: 'payment-confirmation',
      side: 'residence',
      agreement: 'MIG',
    },
    code: 'CLAIM_AGREEMENT_MISMATCH',
  },
];
