/**
 * MIG-11.5: why a message's content was destroyed — a closed list, so that no free text reaches
 * the audit log or a destruction notice. `retention-expired` is the schedule's
 * (`config/retention.yaml`); the others are an operator's early destruction, with a reference id.
 */
export const DESTRUCTION_REASONS = [
  // Its retention period ran out (the scheduled job).
  'retention-expired',
  // The purpose it was requested for is fulfilled before the period ends (MIG-11.2, MIG-11.5).
  'purpose-fulfilled',
  // It reached this authority by mistake (wrong addressee, wrong person).
  'received-in-error',
  // A court or supervisory authority ordered its erasure.
  'erasure-ordered',
  // The person it concerns obtained its erasure under national law.
  'data-subject-erasure',
] as const;

export type DestructionReason = (typeof DESTRUCTION_REASONS)[number];

/** The reasons an operator may give for destroying a message early (all but the schedule's). */
export const EARLY_DESTRUCTION_REASONS: readonly DestructionReason[] = DESTRUCTION_REASONS.filter(
  (r) => r !== 'retention-expired',
);
