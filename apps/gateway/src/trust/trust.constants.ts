/** Injection token: the gateway's persistent CRL archive (PersistentCrlArchive). */
export const CRL_ARCHIVE = Symbol('CRL_ARCHIVE');
