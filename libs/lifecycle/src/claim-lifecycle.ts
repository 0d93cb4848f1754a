import type { AuditEventType } from '@mxg/audit';
import type { MessageType } from '@mxg/config';
import type { ClaimRefusal, ClaimRefusalCode } from './claim-lifecycle.errors';

/**
 * The life of a RET reimbursement claim (RET-3.1, RET-4), as data. The state where the minor
 * stayed (the stay side) claims the costs of the return; the state of the minor's residence
 * (the residence side) pays within 30 days of receiving the documents, and may meanwhile ask
 * questions or dispute the claim. Both gateways apply the same table to the same signed
 * messages, so both hold the same state. See docs/settlements.md.
 *
 *   (none) --reimbursement-claim--> submitted
 *   submitted|queried --claim-query--> queried --claim-reply--> submitted
 *   submitted|queried|disputed --claim-dispute--> disputed (stays open; RET sets no procedure:
 *       disputes are settled by consultation, so a reply keeps the claim disputed)
 *   submitted|queried|disputed --payment-confirmation--> paid (terminal)
 */

export const CLAIM_STATES = ['submitted', 'queried', 'disputed', 'paid'] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];

/** Nothing may follow a payment (RET-4). */
export const TERMINAL_CLAIM_STATES = ['paid'] as const satisfies readonly ClaimState[];

/** Still owed: the payment deadline runs (RET-4). */
export const OPEN_CLAIM_STATES = [
  'submitted',
  'queried',
  'disputed',
] as const satisfies readonly ClaimState[];

/** stay = the state where the minor stayed, which claims; residence = the state that pays. */
export const CLAIM_SIDES = ['stay', 'residence'] as const;
export type ClaimSide = (typeof CLAIM_SIDES)[number];

export const CLAIM_MESSAGE_TYPES = [
  'reimbursement-claim',
  'claim-query',
  'claim-reply',
  'claim-dispute',
  'payment-confirmation',
] as const satisfies readonly MessageType[];
export type ClaimMessageType = (typeof CLAIM_MESSAGE_TYPES)[number];

export function isClaimMessageType(type: MessageType): type is ClaimMessageType {
  return (CLAIM_MESSAGE_TYPES as readonly MessageType[]).includes(type);
}

export type ClaimAuditEvent = Extract<AuditEventType, `claim.${string}`>;

/** One allowed move: `type` sent by `side` while the claim is in one of `from`. */
export interface ClaimRule {
  readonly type: ClaimMessageType;
  readonly side: ClaimSide;
  /** `null`: there is no claim yet (the message is the claim). */
  readonly from: readonly (ClaimState | null)[];
  readonly to: ClaimState;
  /** The event of the gateway that sends the message. */
  readonly event: ClaimAuditEvent;
  /** The event of the gateway that receives it, where it differs (a claim sent vs received). */
  readonly receivedEvent?: ClaimAuditEvent;
  readonly treaty: string;
}

/** Who sends each type. */
export const CLAIM_SENT_BY: Readonly<Record<ClaimMessageType, ClaimSide>> = {
  'reimbursement-claim': 'stay',
  'claim-query': 'residence',
  'claim-dispute': 'residence',
  'payment-confirmation': 'residence',
  'claim-reply': 'stay',
};

/**
 * Every allowed move; anything else is refused (see `claimTransition`). Choices the treaty
 * leaves open, and why:
 * - A query may follow a query (a second question before the first is answered); one reply
 *   answers all that are open.
 * - A dispute is settled by consultation, outside the exchange: once disputed the claim stays
 *   disputed until it is paid — a query or a reply in the dispute keeps it so.
 * - A payment closes the claim from any open state (a partial payment is the residence
 *   state's to explain in its confirmation; the amount is recorded).
 */
export const CLAIM_RULES: readonly ClaimRule[] = [
  {
    type: 'reimbursement-claim',
    side: 'stay',
    from: [null],
    to: 'submitted',
    event: 'claim.submitted',
    receivedEvent: 'claim.received',
    treaty: 'RET-3.1',
  },
  {
    type: 'claim-query',
    side: 'residence',
    from: ['submitted', 'queried'],
    to: 'queried',
    event: 'claim.queried',
    treaty: 'RET-3.1, RET-3.6',
  },
  {
    type: 'claim-query',
    side: 'residence',
    from: ['disputed'],
    to: 'disputed',
    event: 'claim.queried',
    treaty: 'RET-3.1, RET-3.6',
  },
  {
    type: 'claim-reply',
    side: 'stay',
    from: ['queried'],
    to: 'submitted',
    event: 'claim.replied',
    treaty: 'RET-3.1, RET-3.6',
  },
  {
    type: 'claim-reply',
    side: 'stay',
    from: ['disputed'],
    to: 'disputed',
    event: 'claim.replied',
    treaty: 'RET-3.1, RET-3.6',
  },
  {
    type: 'claim-dispute',
    side: 'residence',
    from: ['submitted', 'queried', 'disputed'],
    to: 'disputed',
    event: 'claim.disputed',
    treaty: 'RET-3.6, RET-4',
  },
  {
    type: 'payment-confirmation',
    side: 'residence',
    from: ['submitted', 'queried', 'disputed'],
    to: 'paid',
    event: 'claim.paid',
    treaty: 'RET-4',
  },
];

/** What the message names as the claim it belongs to. */
export type ClaimTarget =
  /** Nothing: a new claim — or an answer naming no claim this gateway holds. */
  | { readonly kind: 'none' }
  /** A message of another exchange (a request, a consent-request …): no claim. */
  | { readonly kind: 'not-a-claim'; readonly type: MessageType }
  | { readonly kind: 'claim'; readonly state: ClaimState; readonly agreement: string };

export interface ClaimTransitionInput {
  readonly target: ClaimTarget;
  readonly type: ClaimMessageType;
  readonly side: ClaimSide;
  readonly agreement: string;
}

export type ClaimTransition =
  | {
      readonly ok: true;
      readonly state: ClaimState;
      readonly event: ClaimAuditEvent;
      readonly receivedEvent: ClaimAuditEvent;
      readonly treaty: string;
    }
  | ClaimRefusal;

function describe(target: ClaimTarget): string {
  switch (target.kind) {
    case 'none':
      return 'naming no claim';
    case 'not-a-claim':
      return `answering a ${target.type}, which is no claim`;
    case 'claim':
      return `about a claim that is ${target.state}`;
  }
}

/**
 * The move `input` makes in a claim's life, or why it is refused. Pure; `rules` is the table it
 * reads (the treaty's, unless a test passes another).
 */
export function claimTransition(
  input: ClaimTransitionInput,
  rules: readonly ClaimRule[] = CLAIM_RULES,
): ClaimTransition {
  const { target, type, side } = input;
  const typeRules = rules.filter((r) => r.type === type);
  const article = typeRules[0]?.treaty ?? 'RET-3.1';
  const refuse = (code: ClaimRefusalCode, why: string, treaty = article): ClaimRefusal => ({
    ok: false,
    code,
    message: `a ${type} from the ${side} side ${describe(target)}: ${why} (${treaty})`,
    treaty,
  });
  const moved = (rule: ClaimRule): ClaimTransition => ({
    ok: true,
    state: rule.to,
    event: rule.event,
    receivedEvent: rule.receivedEvent ?? rule.event,
    treaty: rule.treaty,
  });
  const sender = CLAIM_SENT_BY[type];

  if (type === 'reimbursement-claim') {
    if (target.kind !== 'none') {
      return refuse(
        'CLAIM_NOT_AN_ANSWER',
        'a reimbursement-claim starts its own exchange; send it without naming an earlier message',
      );
    }
    if (side !== sender) {
      return refuse(
        'CLAIM_WRONG_SIDE',
        'a claim goes from the state of stay to the state of residence',
      );
    }
    const opening = typeRules.find((r) => r.side === side && r.from.includes(null));
    if (!opening) return refuse('CLAIM_NOT_AWAITED', 'no rule opens a claim');
    return moved(opening);
  }
  if (target.kind === 'none') {
    return refuse(
      'CLAIM_NOT_FOUND',
      `a ${type} answers a reimbursement-claim, and this gateway holds none between these authorities`,
    );
  }
  if (target.kind === 'not-a-claim') {
    return refuse(
      'NOT_A_CLAIM',
      `only a reimbursement-claim is queried, disputed, answered or paid`,
    );
  }
  if (input.agreement !== target.agreement) {
    return refuse(
      'CLAIM_AGREEMENT_MISMATCH',
      `the message is under ${input.agreement}, its claim under ${target.agreement}`,
    );
  }
  if (side !== sender) {
    return refuse(
      'CLAIM_WRONG_SIDE',
      `only the ${sender === 'stay' ? 'state of stay' : 'state of residence'} sends a ${type}`,
    );
  }
  const rule = typeRules.find((r) => r.side === side && r.from.includes(target.state));
  if (rule) return moved(rule);
  if ((TERMINAL_CLAIM_STATES as readonly ClaimState[]).includes(target.state)) {
    return refuse('CLAIM_CLOSED', `the claim is ${target.state}, which closes it`, 'RET-4');
  }
  return refuse(
    'CLAIM_NOT_AWAITED',
    `a ${type} is not allowed while the claim is ${target.state}; a reply answers a query or a dispute`,
  );
}
