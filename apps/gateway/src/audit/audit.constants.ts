/** Injection token of the gateway's audit keys (`AuditKeys`). */
export const AUDIT_KEYS = Symbol('AUDIT_KEYS');
