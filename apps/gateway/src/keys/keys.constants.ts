/** Injection token: this gateway's private keys as operations (`KeyStore`, files or a token). */
export const KEY_STORE = Symbol('KEY_STORE');
