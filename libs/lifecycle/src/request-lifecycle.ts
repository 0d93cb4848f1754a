import { AUDIT_EVENT_TYPES, type AuditEventType } from '@mxg/audit';
import type { MessageType } from '@mxg/config';
import type { RequestRefusal, RequestRefusalCode } from './request-lifecycle.errors';

/**
 * The life of a request under MIG (MIG-8..MIG-11), as data. Both gateways hold the same state:
 * each applies the same table to the same signed messages, the requester's gateway when it
 * sends or receives, the requested party's likewise. A message's own transfer (submitted,
 * sealed, delivered…) is a separate machine; this one starts once a message is accepted.
 *
 * See docs/requests.md for the diagram and the reasons behind each rule.
 */

export const REQUEST_STATES = [
  /** MIG-9.2: received; the requested authority owes the result. */
  'open',
  /** MIG-10.1: the requested authority asked for additional information. */
  'awaiting-clarification',
  /** MIG-9.5: the requested authority doubts authenticity or content and asked for confirmation. */
  'awaiting-confirmation',
  /** MIG-10.2 conditions or MIG-11.1 confidentiality notice: the requester decides. */
  'awaiting-decision',
  /** MIG-10.2: execution postponed (until-date recorded beside the deadline). */
  'postponed',
  /** MIG-10.4: part refused with reasons; the rest is still owed. */
  'partially-refused',
  /** MIG-10.3: the full result was sent. */
  'answered',
  /** MIG-10.4: refused in full, with reasons. */
  'refused',
  /** MIG-11.1 (and at any time before it closes): the requester no longer wants the result. */
  'withdrawn',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** The request is closed: no message of its exchange may follow. */
export const TERMINAL_REQUEST_STATES = [
  'answered',
  'refused',
  'withdrawn',
] as const satisfies readonly RequestState[];

/**
 * MIG-10.3: the states that stop the 30-day clock — answered, refused in full, withdrawn. A
 * partial refusal does not: the rest is still owed by the same deadline. Waiting on the
 * requester does not stop it either; the treaty gives no pause, so a late answer after a slow
 * clarification is late, and its record shows why.
 */
export const DEADLINE_STOPPING_STATES: readonly RequestState[] = TERMINAL_REQUEST_STATES;

export function stopsDeadline(state: RequestState): boolean {
  return DEADLINE_STOPPING_STATES.includes(state);
}

/** The request is in the requested authority's hands: it may work, postpone, ask or answer. */
const IN_HAND = ['open', 'postponed', 'partially-refused'] as const;
/** The request waits on the requester. */
const AWAITING = ['awaiting-clarification', 'awaiting-confirmation', 'awaiting-decision'] as const;
const LIVE = [...IN_HAND, ...AWAITING] as const;

/** requester = the authority that sent the request; requested = the one that received it. */
export const REQUEST_SIDES = ['requester', 'requested'] as const;
export type RequestSide = (typeof REQUEST_SIDES)[number];

/** The message types of MIG-8..MIG-11 that start, answer or steer a request, and a notice. */
export const REQUEST_MESSAGE_TYPES = [
  'request',
  'notice',
  'response',
  'refusal',
  'clarification-request',
  'delay-notice',
  'postponement',
  'conditions',
  'confirmation-request',
  'confidentiality-notice',
  'clarification',
  'confirmation',
  'proceed',
  'withdraw',
] as const satisfies readonly MessageType[];
export type RequestMessageType = (typeof REQUEST_MESSAGE_TYPES)[number];

export function isRequestMessageType(type: MessageType): type is RequestMessageType {
  return (REQUEST_MESSAGE_TYPES as readonly MessageType[]).includes(type);
}

/** Who sends each type of a request's exchange. A notice (MIG-8) may come from either party. */
export const SENT_BY: Readonly<Record<Exclude<RequestMessageType, 'notice'>, RequestSide>> = {
  request: 'requester',
  response: 'requested',
  refusal: 'requested',
  'clarification-request': 'requested',
  'delay-notice': 'requested',
  postponement: 'requested',
  conditions: 'requested',
  'confirmation-request': 'requested',
  'confidentiality-notice': 'requested',
  clarification: 'requester',
  confirmation: 'requester',
  proceed: 'requester',
  withdraw: 'requester',
};

/**
 * The audit events a request's moves write. Their one home is the audit log's list
 * (`AUDIT_EVENT_TYPES`); a deadline passing (`request.overdue`) is no move.
 */
export type RequestAuditEvent = Exclude<
  Extract<AuditEventType, `request.${string}`>,
  'request.overdue'
>;

export const REQUEST_AUDIT_EVENTS = AUDIT_EVENT_TYPES.filter(
  (type): type is RequestAuditEvent => type.startsWith('request.') && type !== 'request.overdue',
);

/** One allowed move: `type` sent by `side` while the request is in one of `from`. */
export interface RequestRule {
  readonly type: Exclude<RequestMessageType, 'notice'>;
  readonly side: RequestSide;
  /** `null`: there is no request yet (the message opens one). */
  readonly from: readonly (RequestState | null)[];
  /** For a refusal: in full (`false`) or in part (`true`), MIG-10.4. */
  readonly partial?: boolean;
  /** `unchanged`: the message is recorded, the state stays (a delay notice). */
  readonly to: RequestState | 'unchanged';
  readonly event: RequestAuditEvent;
  readonly treaty: string;
}

/**
 * Every allowed move; anything else is refused (see `requestTransition`). Choices the treaty
 * leaves open, and why:
 * - While the request waits on the requester, the requested authority may only notify a delay
 *   or refuse in full: answering before a confidentiality decision would break what MIG-11.1
 *   protects, before a confirmation what MIG-9.5 doubts, before accepted conditions what
 *   MIG-10.2 sets.
 * - A requester's reply returns the request to `open`: the (rest of the) result is owed again.
 *   An earlier postponement or partial refusal stays on the audit record.
 * - The requester may withdraw at any time before the request closes, not only after a
 *   confidentiality notice (MIG-11.1): a result nobody wants any more must not be produced
 *   (MIG-11.2 binds results to a live purpose).
 */
export const REQUEST_RULES: readonly RequestRule[] = [
  {
    type: 'request',
    side: 'requester',
    from: [null],
    to: 'open',
    event: 'request.opened',
    treaty: 'MIG-9.2',
  },
  {
    type: 'response',
    side: 'requested',
    from: IN_HAND,
    to: 'answered',
    event: 'request.answered',
    treaty: 'MIG-10.3',
  },
  {
    type: 'refusal',
    side: 'requested',
    partial: false,
    from: LIVE,
    to: 'refused',
    event: 'request.refused',
    treaty: 'MIG-10.4',
  },
  {
    type: 'refusal',
    side: 'requested',
    partial: true,
    from: IN_HAND,
    to: 'partially-refused',
    event: 'request.partially-refused',
    treaty: 'MIG-10.4',
  },
  {
    type: 'clarification-request',
    side: 'requested',
    from: IN_HAND,
    to: 'awaiting-clarification',
    event: 'request.clarification-requested',
    treaty: 'MIG-10.1',
  },
  {
    type: 'delay-notice',
    side: 'requested',
    from: LIVE,
    to: 'unchanged',
    event: 'request.delay-notified',
    treaty: 'MIG-10.1',
  },
  {
    type: 'postponement',
    side: 'requested',
    from: IN_HAND,
    to: 'postponed',
    event: 'request.postponed',
    treaty: 'MIG-10.2',
  },
  {
    type: 'conditions',
    side: 'requested',
    from: IN_HAND,
    to: 'awaiting-decision',
    event: 'request.conditions-set',
    treaty: 'MIG-10.2',
  },
  {
    type: 'confirmation-request',
    side: 'requested',
    from: IN_HAND,
    to: 'awaiting-confirmation',
    event: 'request.confirmation-requested',
    treaty: 'MIG-9.5',
  },
  {
    type: 'confidentiality-notice',
    side: 'requested',
    from: IN_HAND,
    to: 'awaiting-decision',
    event: 'request.confidentiality-notified',
    treaty: 'MIG-11.1',
  },
  {
    type: 'clarification',
    side: 'requester',
    from: ['awaiting-clarification'],
    to: 'open',
    event: 'request.clarified',
    treaty: 'MIG-10.1',
  },
  {
    type: 'confirmation',
    side: 'requester',
    from: ['awaiting-confirmation'],
    to: 'open',
    event: 'request.confirmed',
    treaty: 'MIG-9.5',
  },
  {
    type: 'proceed',
    side: 'requester',
    from: ['awaiting-decision'],
    to: 'open',
    event: 'request.proceeded',
    treaty: 'MIG-10.2, MIG-11.1',
  },
  {
    type: 'withdraw',
    side: 'requester',
    from: LIVE,
    to: 'withdrawn',
    event: 'request.withdrawn',
    treaty: 'MIG-11.1',
  },
];

/** What an awaiting state waits for, to explain a refusal. */
const AWAITED: Readonly<
  Record<(typeof AWAITING)[number], { reply: string; asked: string; treaty: string }>
> = {
  'awaiting-clarification': {
    reply: 'clarification',
    asked: 'a clarification-request',
    treaty: 'MIG-10.1',
  },
  'awaiting-confirmation': {
    reply: 'confirmation',
    asked: 'a confirmation-request',
    treaty: 'MIG-9.5',
  },
  'awaiting-decision': {
    reply: 'proceed or withdraw',
    asked: 'conditions or confidentiality-notice',
    treaty: 'MIG-10.2, MIG-11.1',
  },
};

/** The request a reply asks for: a clarification answers a clarification-request, etc. */
const ASKED_BY: Readonly<Record<'clarification' | 'confirmation' | 'proceed', string>> = {
  clarification: 'a clarification-request',
  confirmation: 'a confirmation-request',
  proceed: 'conditions or a confidentiality-notice',
};

/** What the message names as the request it belongs to. */
export type RequestTarget =
  /** Nothing: a new request or notice — or an answer to a request this gateway does not hold. */
  | { readonly kind: 'none' }
  /** A message that opened no request: a notice, or a message of another exchange. */
  | { readonly kind: 'not-a-request'; readonly type: MessageType }
  | { readonly kind: 'request'; readonly state: RequestState; readonly agreement: string };

export interface RequestTransitionInput {
  readonly target: RequestTarget;
  readonly type: RequestMessageType;
  readonly side: RequestSide;
  /** The message's agreement; must be its request's. */
  readonly agreement: string;
  /** A refusal's `partial` flag (MIG-10.4); ignored for any other type. */
  readonly partial?: boolean;
}

export type RequestTransition =
  | {
      readonly ok: true;
      readonly state: RequestState;
      readonly event: RequestAuditEvent;
      readonly treaty: string;
    }
  /** MIG-8: a notice is recorded as a message, and opens no request. */
  | { readonly ok: true; readonly state: null; readonly event: null; readonly treaty: 'MIG-8' }
  | RequestRefusal;

const isAwaiting = (state: RequestState): state is (typeof AWAITING)[number] =>
  (AWAITING as readonly RequestState[]).includes(state);

function describeTarget(target: RequestTarget): string {
  switch (target.kind) {
    case 'none':
      return 'naming no request';
    case 'not-a-request':
      return `answering a ${target.type}, which is not a request`;
    case 'request':
      return `answering a request that is ${target.state}`;
  }
}

/**
 * The move `input` makes in a request's life, or why it is refused. Pure; `rules` is the table
 * it reads (the treaty's, unless a test passes another).
 */
export function requestTransition(
  input: RequestTransitionInput,
  rules: readonly RequestRule[] = REQUEST_RULES,
): RequestTransition {
  const { target, type, side } = input;
  const refuse = (code: RequestRefusalCode, why: string, treaty: string): RequestRefusal => ({
    ok: false,
    code,
    message: `a ${type} from the ${side} authority ${describeTarget(target)}: ${why} (${treaty})`,
    treaty,
  });
  const apply = (rule: RequestRule, state: RequestState | null): RequestTransition | undefined => {
    const next = rule.to === 'unchanged' ? state : rule.to;
    return next === null
      ? undefined
      : { ok: true, state: next, event: rule.event, treaty: rule.treaty };
  };
  const typeRules = rules.filter((r) => r.type === type);
  const article = typeRules[0]?.treaty ?? 'MIG-8';

  if (type === 'notice' || type === 'request') {
    if (target.kind !== 'none') {
      return refuse(
        'NOT_AN_ANSWER',
        `a ${type} starts its own exchange; send it without naming an earlier message`,
        'MIG-8',
      );
    }
    if (type === 'notice') return { ok: true, state: null, event: null, treaty: 'MIG-8' };
    if (side !== SENT_BY.request) {
      return refuse('WRONG_SIDE', 'the authority that sends a request is its requester', article);
    }
    const opening = typeRules.find((r) => r.side === side && r.from.includes(null));
    const opened = opening && apply(opening, null);
    if (opened) return opened;
    return refuse('NOT_AWAITED', 'no rule opens a request', article);
  }
  if (target.kind === 'none') {
    return refuse(
      'REQUEST_NOT_FOUND',
      `a ${type} belongs to a request, and this gateway holds none it could answer; name a message of the request`,
      'MIG-8',
    );
  }
  if (target.kind === 'not-a-request') {
    return refuse(
      'NOT_A_REQUEST',
      `only a request is answered; a ${target.type} opens no request and nothing may answer it`,
      'MIG-8',
    );
  }
  if (input.agreement !== target.agreement) {
    return refuse(
      'AGREEMENT_MISMATCH',
      `the message is under ${input.agreement}, its request under ${target.agreement}; answer under the request's agreement`,
      'MIG-8',
    );
  }

  const sender = SENT_BY[type];
  if (side !== sender) {
    return refuse('WRONG_SIDE', `only the ${sender} authority sends a ${type}`, article);
  }
  if (type === 'refusal' && typeof input.partial !== 'boolean') {
    return refuse(
      'REFUSAL_EXTENT_MISSING',
      'a refusal says whether it is partial (partial: true) or in full (partial: false)',
      'MIG-10.4',
    );
  }

  const { state } = target;
  const rule = typeRules.find(
    (r) =>
      r.side === side &&
      (r.partial === undefined || r.partial === input.partial) &&
      r.from.includes(state),
  );
  const moved = rule && apply(rule, state);
  if (moved) return moved;

  if ((TERMINAL_REQUEST_STATES as readonly RequestState[]).includes(state)) {
    return refuse(
      'REQUEST_CLOSED',
      `the request is ${state}, which closes it; nothing more may be sent in it — open a new request`,
      article,
    );
  }
  if (type === 'clarification' || type === 'confirmation' || type === 'proceed') {
    return refuse(
      'NOT_AWAITED',
      `a ${type} replies to ${ASKED_BY[type]}, and the request, ${state}, is not waiting for one`,
      article,
    );
  }
  if (isAwaiting(state)) {
    const awaited = AWAITED[state];
    return refuse(
      'AWAITING_REQUESTER',
      `the requested authority sent ${awaited.asked} and waits for the requester's ${awaited.reply}; until then it may send a delay-notice or refuse in full`,
      awaited.treaty,
    );
  }
  // The treaty's rules allow every requested-side type while the request is in the requested
  // party's hands, and withdraw in every live state; only a narrower table gets here.
  return refuse('NOT_AWAITED', `a ${type} is not allowed while the request is ${state}`, article);
}
