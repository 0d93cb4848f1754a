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
