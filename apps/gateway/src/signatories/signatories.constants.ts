/** Injection token: the gateway's signatory directory (a `StoredSignatoryDirectory`). */
export const SIGNATORY_DIRECTORY = Symbol('SIGNATORY_DIRECTORY');
