/** Injection tokens: the trust list and this gateway's keys, behind interfaces (HSM later). */
export const TRUST_STORE = Symbol('TRUST_STORE');
export const KEY_STORE = Symbol('KEY_STORE');
