import type { AuditEventType } from '@mxg/audit';

/** Which side of the exchange a message is on: sent by this gateway, or received by it. */
export type MessageDirection = 'outgoing' | 'incoming';

export const OUTGOING_STATUSES = [
  'accepted',
  'published',
  'delivered',
  'rejected',
  'failed',
] as const;
export const INCOMING_STATUSES = ['received', 'acknowledged'] as const;
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];
export type IncomingStatus = (typeof INCOMING_STATUSES)[number];
export type MessageStatus = OutgoingStatus | IncomingStatus;

/** Every status a message can have, outgoing first: the one list the API and storage show. */
export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  ...OUTGOING_STATUSES,
  ...INCOMING_STATUSES,
];

export const MESSAGE_STATUSES_BY_DIRECTION: Readonly<
  Record<MessageDirection, readonly MessageStatus[]>
> = {
  outgoing: OUTGOING_STATUSES,
  incoming: INCOMING_STATUSES,
};

/** How a message comes to be stored, and the status it is stored in. */
export type MessageArrival = 'submit' | 'receive';

export interface MessageArrivalRule {
  readonly direction: MessageDirection;
  readonly arrival: MessageArrival;
  readonly to: MessageStatus;
  /** The audit event written with the new message, in the same statement. */
  readonly audit: AuditEventType;
}

export const MESSAGE_ARRIVALS: Readonly<Record<MessageArrival, MessageArrivalRule>> = {
  // A national system hands its gateway a message, sealed and queued for the relay (MIG-9.1).
  submit: { direction: 'outgoing', arrival: 'submit', to: 'accepted', audit: 'message.submitted' },
  // An envelope from the other party, opened and verified (MIG-9.1, MIG-9.3).
  receive: { direction: 'incoming', arrival: 'receive', to: 'received', audit: 'message.received' },
};

/** What moves a stored message on. */
export type MessageTrigger =
  /** The relay published the message's envelope (the first copy or a re-sent one). */
  | 'publish'
  /** No receipt in time: the same envelope is queued again. */
  | 'resend'
  /** No receipt, and no copy can be accepted any more: the message failed (NO_RECEIPT). */
  | 'give-up'
  /** The receiving gateway's signed receipt says it took the message. */
  | 'receipt-accepted'
  /** The receiving gateway's signed receipt refuses the message, with its code. */
  | 'receipt-rejected'
  /** The national system confirms it has taken a received message from its inbox. */
  | 'acknowledge';

export interface MessageTransition {
  readonly direction: MessageDirection;
  readonly trigger: MessageTrigger;
  /** The statuses the trigger moves a message from; from any other it changes nothing. */
  readonly from: readonly MessageStatus[];
  readonly to: MessageStatus;
  /** The audit event the transition writes, in the same unit of work as the move. */
  readonly audit: AuditEventType;
}

/**
 * Every move of a message's status, as data: the exchange's SQL takes its from-statuses and
 * targets from here (as parameters), and its use cases their audit event. One row per trigger.
 *
 * A receipt is final whenever it comes: a late one moves a `failed` message too, since the
 * receiver's signature outweighs our timeout (non-repudiation of receipt, MIG-9.1). Publishing
 * again after the receipt is harmless: the relay still publishes the copy it was given (and
 * audits it), but the message keeps its final status.
 */
export const MESSAGE_TRANSITIONS: readonly MessageTransition[] = [
  {
    direction: 'outgoing',
    trigger: 'publish',
    from: ['accepted', 'published'],
    to: 'published',
    audit: 'message.published',
  },
  {
    direction: 'outgoing',
    trigger: 'resend',
    from: ['published'],
    to: 'published',
    audit: 'message.retried',
  },
  {
    direction: 'outgoing',
    trigger: 'give-up',
    from: ['published'],
    to: 'failed',
    audit: 'message.retried',
  },
  {
    direction: 'outgoing',
    trigger: 'receipt-accepted',
    from: ['accepted', 'published', 'failed'],
    to: 'delivered',
    audit: 'receipt.received',
  },
  {
    direction: 'outgoing',
    trigger: 'receipt-rejected',
    from: ['accepted', 'published', 'failed'],
    to: 'rejected',
    audit: 'receipt.received',
  },
  {
    direction: 'incoming',
    trigger: 'acknowledge',
    from: ['received'],
    to: 'acknowledged',
    // The hand-over to the national system is the last step of the transfer (MIG-9.1).
    audit: 'message.delivered',
  },
];

const BY_TRIGGER = new Map(MESSAGE_TRANSITIONS.map((t) => [t.trigger, t]));

/** The table's row for `trigger`. */
export function messageTransition(trigger: MessageTrigger): MessageTransition {
  const row = BY_TRIGGER.get(trigger);
  if (row === undefined) throw new RangeError(`no message transition for ${trigger}`);
  return row;
}

/** The statuses `trigger` moves a message from. */
export function fromStatuses(trigger: MessageTrigger): readonly MessageStatus[] {
  return messageTransition(trigger).from;
}

/** The status `trigger` moves a message to. */
export function targetStatus(trigger: MessageTrigger): MessageStatus {
  return messageTransition(trigger).to;
}

/** The audit event `trigger` writes. */
export function transitionAudit(trigger: MessageTrigger): AuditEventType {
  return messageTransition(trigger).audit;
}

/** The status a message in `status` moves to on `trigger`; `undefined` if the table refuses. */
export function transition(
  trigger: MessageTrigger,
  status: MessageStatus,
): MessageStatus | undefined {
  const row = messageTransition(trigger);
  return row.from.includes(status) ? row.to : undefined;
}

/** The status a message is stored in when it arrives by `arrival`. */
export function initialStatus(arrival: MessageArrival): MessageStatus {
  return MESSAGE_ARRIVALS[arrival].to;
}
