// @mxg/lifecycle — the states of a message, of a request and of a consent, the transitions
// between them (as data), the audit event each writes, and the treaty deadlines (MIG-8..MIG-11).
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
export {
  CONSENT_MESSAGE_TYPES,
  CONSENT_RULES,
  CONSENT_SENT_BY,
  CONSENT_SIDES,
  CONSENT_STATES,
  type ConsentAuditEvent,
  type ConsentMessageType,
  type ConsentRule,
  type ConsentSide,
  type ConsentState,
  type ConsentTarget,
  type ConsentTransition,
  type ConsentTransitionInput,
  consentTransition,
  isConsentMessageType,
  TERMINAL_CONSENT_STATES,
} from './consent-lifecycle';
export {
  CONSENT_REFUSAL_CODES,
  ConsentLifecycleError,
  type ConsentRefusal,
  type ConsentRefusalCode,
} from './consent-lifecycle.errors';
export {
  FORBIDDEN_CONSENT_TRANSITIONS,
  type ForbiddenConsentTransition,
} from './forbidden-consent-transitions';
export {
  CLAIM_MESSAGE_TYPES,
  CLAIM_RULES,
  CLAIM_SENT_BY,
  CLAIM_SIDES,
  CLAIM_STATES,
  type ClaimAuditEvent,
  type ClaimMessageType,
  type ClaimRule,
  type ClaimSide,
  type ClaimState,
  type ClaimTarget,
  type ClaimTransition,
  type ClaimTransitionInput,
  claimTransition,
  isClaimMessageType,
  OPEN_CLAIM_STATES,
  TERMINAL_CLAIM_STATES,
} from './claim-lifecycle';
export {
  CLAIM_REFUSAL_CODES,
  ClaimLifecycleError,
  type ClaimRefusal,
  type ClaimRefusalCode,
} from './claim-lifecycle.errors';
export {
  FORBIDDEN_CLAIM_TRANSITIONS,
  type ForbiddenClaimTransition,
} from './forbidden-claim-transitions';
