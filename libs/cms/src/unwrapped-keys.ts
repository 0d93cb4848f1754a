import type { KeyObject } from 'node:crypto';

/** Keys remembered per private key: a few senders, each rotating (ContentKeyReuse). */
const MAX_KEYS = 64;
/** Not held longer than this, whatever the sender does. */
const MAX_AGE_MS = 60 * 60 * 1000;

interface Remembered {
  readonly key: Buffer;
  readonly at: number;
}

const byPrivateKey = new WeakMap<KeyObject, Map<string, Remembered>>();

/**
 * Receiver side of ContentKeyReuse: RSA-OAEP decryption is a function of the private key, the
 * OAEP hash and the encryptedKey bytes, so a KeyTransRecipientInfo seen before yields the key it
 * yielded then, without ≈ 250 µs of RSA private-key work. Only keys that unwrapped are kept
 * (a failure is never remembered), at most MAX_KEYS per private key for at most MAX_AGE_MS,
 * wiped when dropped. The caller must not wipe what this returns.
 */
export function unwrapOnce(
  privateKey: KeyObject,
  oaepHash: string,
  encryptedKey: Uint8Array,
  unwrap: () => Buffer,
  now = Date.now(),
): Buffer {
  let keys = byPrivateKey.get(privateKey);
  if (!keys) {
    keys = new Map();
    byPrivateKey.set(privateKey, keys);
  }
  const id = `${oaepHash}:${Buffer.from(encryptedKey.buffer, encryptedKey.byteOffset, encryptedKey.byteLength).toString('base64')}`;
  const known = keys.get(id);
  if (known && now - known.at < MAX_AGE_MS) return known.key;
  if (known) forget(keys, id);
  const key = unwrap();
  keys.set(id, { key, at: now });
  while (keys.size > MAX_KEYS) forget(keys, keys.keys().next().value as string);
  return key;
}

function forget(keys: Map<string, Remembered>, id: string): void {
  keys.get(id)?.key.fill(0);
  keys.delete(id);
}
