/** Injection token: the trust list, behind an interface. (This gateway's keys: `KeysModule`.) */
export const TRUST_STORE = Symbol('TRUST_STORE');
/** The data-key wrapper for message content at rest (MIG-11.4): wraps, never hands out its KEK. */
export const DATA_KEY_WRAPPER = Symbol('DATA_KEY_WRAPPER');
