import { fromStatuses, MESSAGE_STATUSES, type MessageStatus } from '@mxg/lifecycle';

/**
 * MIG-11.5: the statuses in which a message's content may be destroyed — every status from which
 * the exchange no longer needs it: not one the relay still publishes from (`publish`) nor one
 * awaiting a receipt it may re-send the envelope for (`resend`). So an outgoing message is
 * destroyable once delivered, rejected or given up (a late receipt needs no content); a received
 * one at once (its receipt went out when it was stored), taken by its national system or not.
 * Derived from the lifecycle table, so a new status is placed by its triggers.
 */
export const DESTROYABLE_STATUSES: readonly MessageStatus[] = MESSAGE_STATUSES.filter(
  (s) => !fromStatuses('publish').includes(s) && !fromStatuses('resend').includes(s),
);
