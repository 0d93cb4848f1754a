/** Injection tokens: the trust list and this gateway's keys, behind interfaces (HSM later). */
export const TRUST_STORE = Symbol('TRUST_STORE');
export const KEY_STORE = Symbol('KEY_STORE');
/** The data-key wrapper for message content at rest (MIG-11.4): wraps, never hands out its KEK. */
export const DATA_KEY_WRAPPER = Symbol('DATA_KEY_WRAPPER');
