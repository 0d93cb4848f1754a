/**
 * The RET protocol's periods. They are the treaty's, not a deployment's: code, not config.
 */

/** RET-3.2: the state of stay sends its claim within 15 calendar days after the return. */
export const RET_CLAIM_DAYS = 15;

/** RET-4: the state of residence pays within 30 calendar days of receiving the documents. */
export const RET_PAYMENT_DAYS = 30;

/** RET-7/8: in force 30 days after the depositary receives the (third, or a later) document. */
export const RET_ENTRY_INTO_FORCE_DAYS = 30;

/** RET-7: the protocol enters into force once the depositary has the third notification. */
export const RET_NOTIFICATIONS_FOR_ENTRY_INTO_FORCE = 3;
