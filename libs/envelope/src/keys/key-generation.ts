import type { X509Certificate } from 'node:crypto';

/** One generation of a rotating key (seal, encryption), in the order the layout numbers them. */
export interface KeyGeneration<K> {
  /** Where its certificate is: names the generation across rescans. */
  readonly path: string;
  /** The certificate's validity, in epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly key: K;
}

/**
 * The generation to use now: the newest (last) whose certificate is in force at `now`. When
 * none is, the newest of all, so that the sender's own certificate check says what is wrong
 * (expired, not yet valid) instead of a missing key.
 */
export function newestInForce<K>(
  generations: readonly KeyGeneration<K>[],
  now: Date,
): KeyGeneration<K> {
  const t = now.getTime();
  for (let i = generations.length - 1; i >= 0; i--) {
    const g = generations[i];
    if (g.notBefore <= t && t <= g.notAfter) return g;
  }
  const newest = generations[generations.length - 1];
  if (!newest) throw new RangeError('no key generation');
  return newest;
}

/** A key as a generation: named by its certificate's path, valid as its certificate is. */
export function generationOf<K extends { readonly certificate: X509Certificate }>(
  path: string,
  key: K,
): KeyGeneration<K> {
  return {
    path,
    notBefore: new Date(key.certificate.validFrom).getTime(),
    notAfter: new Date(key.certificate.validTo).getTime(),
    key,
  };
}
