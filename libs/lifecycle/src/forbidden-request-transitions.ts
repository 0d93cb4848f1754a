import type { RequestRefusalCode } from './request-lifecycle.errors';
import type { RequestState, RequestTarget, RequestTransitionInput } from './request-lifecycle';

/** One named misuse of a request's exchange and the code it must be refused with. */
export interface ForbiddenRequestTransition {
  readonly name: string;
  readonly input: RequestTransitionInput;
  readonly code: RequestRefusalCode;
}

function inState(state: RequestState): RequestTarget {
  return { kind: 'request', state, agreement: 'MIG' };
}
const NONE = { kind: 'none' } as const;
const A_NOTICE = { kind: 'not-a-request', type: 'notice' } as const;

/**
 * Misuses a national system or a peer could attempt, each with the code it is refused with
 * (MIG-8..MIG-11). The unit spec checks them against `requestTransition`; end-to-end tests
 * replay them through both gateways.
 */
export const FORBIDDEN_REQUEST_TRANSITIONS: readonly ForbiddenRequestTransition[] = [
  {
    name: 'a response to no request',
    input: { target: NONE, type: 'response', side: 'requested', agreement: 'MIG' },
    code: 'REQUEST_NOT_FOUND',
  },
  {
    name: 'a withdraw of no request',
    input: { target: NONE, type: 'withdraw', side: 'requester', agreement: 'MIG' },
    code: 'REQUEST_NOT_FOUND',
  },
  {
    name: 'a response to a notice (MIG-8: nothing answers a notice)',
    input: { target: A_NOTICE, type: 'response', side: 'requested', agreement: 'MIG' },
    code: 'NOT_A_REQUEST',
  },
  {
    name: 'a refusal of a notice',
    input: {
      target: A_NOTICE,
      type: 'refusal',
      side: 'requested',
      agreement: 'MIG',
      partial: false,
    },
    code: 'NOT_A_REQUEST',
  },
  {
    name: 'a request that answers an open request',
    input: { target: inState('open'), type: 'request', side: 'requester', agreement: 'MIG' },
    code: 'NOT_AN_ANSWER',
  },
  {
    name: 'a notice that answers a request',
    input: { target: inState('open'), type: 'notice', side: 'requested', agreement: 'MIG' },
    code: 'NOT_AN_ANSWER',
  },
  {
    name: 'a response under RET to a MIG request',
    input: { target: inState('open'), type: 'response', side: 'requested', agreement: 'RET' },
    code: 'AGREEMENT_MISMATCH',
  },
  {
    name: 'a request sent by the requested side',
    input: { target: NONE, type: 'request', side: 'requested', agreement: 'MIG' },
    code: 'WRONG_SIDE',
  },
  {
    name: 'the requester sends a response to its own request',
    input: { target: inState('open'), type: 'response', side: 'requester', agreement: 'MIG' },
    code: 'WRONG_SIDE',
  },
  {
    name: 'the requester refuses its own request',
    input: {
      target: inState('open'),
      type: 'refusal',
      side: 'requester',
      agreement: 'MIG',
      partial: false,
    },
    code: 'WRONG_SIDE',
  },
  {
    name: 'the requested side sends the clarification it asked for',
    input: {
      target: inState('awaiting-clarification'),
      type: 'clarification',
      side: 'requested',
      agreement: 'MIG',
    },
    code: 'WRONG_SIDE',
  },
  {
    name: 'the requested side withdraws the request',
    input: { target: inState('open'), type: 'withdraw', side: 'requested', agreement: 'MIG' },
    code: 'WRONG_SIDE',
  },
  {
    name: 'a second response to an answered request',
    input: { target: inState('answered'), type: 'response', side: 'requested', agreement: 'MIG' },
    code: 'REQUEST_CLOSED',
  },
  {
    name: 'a response after a refusal in full',
    input: { target: inState('refused'), type: 'response', side: 'requested', agreement: 'MIG' },
    code: 'REQUEST_CLOSED',
  },
  {
    name: 'a delay notice on a withdrawn request',
    input: {
      target: inState('withdrawn'),
      type: 'delay-notice',
      side: 'requested',
      agreement: 'MIG',
    },
    code: 'REQUEST_CLOSED',
  },
  {
    name: 'a withdraw after the answer came',
    input: { target: inState('answered'), type: 'withdraw', side: 'requester', agreement: 'MIG' },
    code: 'REQUEST_CLOSED',
  },
  {
    name: 'a clarification nobody asked for',
    input: { target: inState('open'), type: 'clarification', side: 'requester', agreement: 'MIG' },
    code: 'NOT_AWAITED',
  },
  {
    name: 'a confirmation while a clarification is awaited',
    input: {
      target: inState('awaiting-clarification'),
      type: 'confirmation',
      side: 'requester',
      agreement: 'MIG',
    },
    code: 'NOT_AWAITED',
  },
  {
    name: 'proceed without conditions or a confidentiality notice',
    input: { target: inState('postponed'), type: 'proceed', side: 'requester', agreement: 'MIG' },
    code: 'NOT_AWAITED',
  },
  {
    name: 'a response while the clarification it asked for is awaited',
    input: {
      target: inState('awaiting-clarification'),
      type: 'response',
      side: 'requested',
      agreement: 'MIG',
    },
    code: 'AWAITING_REQUESTER',
  },
  {
    name: 'a response before the requester decided on a confidentiality notice (MIG-11.1)',
    input: {
      target: inState('awaiting-decision'),
      type: 'response',
      side: 'requested',
      agreement: 'MIG',
    },
    code: 'AWAITING_REQUESTER',
  },
  {
    name: 'a partial refusal while a confirmation is awaited',
    input: {
      target: inState('awaiting-confirmation'),
      type: 'refusal',
      side: 'requested',
      agreement: 'MIG',
      partial: true,
    },
    code: 'AWAITING_REQUESTER',
  },
  {
    name: 'a refusal that does not say whether it is partial',
    input: { target: inState('open'), type: 'refusal', side: 'requested', agreement: 'MIG' },
    code: 'REFUSAL_EXTENT_MISSING',
  },
];
