// @mxg/lifecycle — the states of a message and of a request, the transitions between them (as
// data), the audit event each writes, and the treaty deadlines (MIG-8..MIG-10).
export {
  daysLeft,
  dueDate,
  EXECUTION_DAYS,
  isOverdue,
  localDate,
  nearlyDue,
  UnknownTimeZoneError,
} from './deadline';
export {
  DEADLINE_STOPPING_STATES,
  isRequestMessageType,
  REQUEST_AUDIT_EVENTS,
  REQUEST_MESSAGE_TYPES,
  REQUEST_RULES,
  REQUEST_SIDES,
  REQUEST_STATES,
  type RequestAuditEvent,
  type RequestMessageType,
  type RequestRule,
  type RequestSide,
  type RequestState,
  type RequestTarget,
  type RequestTransition,
  type RequestTransitionInput,
  requestTransition,
  SENT_BY,
  stopsDeadline,
  TERMINAL_REQUEST_STATES,
} from './request-lifecycle';
export {
  REQUEST_REFUSAL_CODES,
  RequestLifecycleError,
  type RequestRefusal,
  type RequestRefusalCode,
} from './request-lifecycle.errors';
export {
  type ForbiddenRequestTransition,
  FORBIDDEN_REQUEST_TRANSITIONS,
} from './forbidden-request-transitions';
export { terminationRefusal } from './agreement-termination';
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
