// @mxg/lifecycle — the states of a message and of a request, the transitions between them (as
// data), the audit event each writes, and the treaty deadlines (MIG-8..MIG-10).
export {
  fromStatuses,
  INCOMING_STATUSES,
  initialStatus,
  MESSAGE_ARRIVALS,
  MESSAGE_STATUSES,
  MESSAGE_STATUSES_BY_DIRECTION,
  MESSAGE_TRANSITIONS,
  messageTransition,
  OUTGOING_STATUSES,
  targetStatus,
  transition,
  transitionAudit,
  type IncomingStatus,
  type MessageArrival,
  type MessageArrivalRule,
  type MessageDirection,
  type MessageStatus,
  type MessageTransition,
  type MessageTrigger,
  type OutgoingStatus,
} from './message-lifecycle';
