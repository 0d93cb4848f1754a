/** Keys remembered per key-transport key: a few senders, each rotating (ContentKeyReuse). */
const MAX_KEYS = 64;
/** Not held longer than this, whatever the sender does. */
const MAX_AGE_MS = 60 * 60 * 1000;

interface Remembered {
  readonly key: Buffer;
  readonly at: number;
}

/** Keyed by the decrypter (or key) object that unwrapped them; dropped with it. */
const byOwner = new WeakMap<object, Map<string, Remembered>>();

/**
 * Receiver side of ContentKeyReuse: RSA-OAEP decryption is a function of the private key, the
 * OAEP hash and the encryptedKey bytes, so a KeyTransRecipientInfo seen before yields the key it
 * yielded then, without ≈ 250 µs of RSA private-key work (more in a token). Only keys that
 * unwrapped are kept (a failure is never remembered), at most MAX_KEYS per key for at most
 * MAX_AGE_MS, wiped when dropped. The caller must not wipe what these return.
 */
export function unwrappedBefore(
  owner: object,
  oaepHash: string,
  encryptedKey: Uint8Array,
  now = Date.now(),
): Buffer | undefined {
  const keys = byOwner.get(owner);
  if (!keys) return undefined;
  const id = idOf(oaepHash, encryptedKey);
  const known = keys.get(id);
  if (known && now - known.at < MAX_AGE_MS) return known.key;
  if (known) forget(keys, id);
  return undefined;
}

/** Remembers `key`, just unwrapped by `owner` from `encryptedKey`, and returns it. */
export function rememberUnwrapped(
  owner: object,
  oaepHash: string,
  encryptedKey: Uint8Array,
  key: Buffer,
  now = Date.now(),
): Buffer {
  let keys = byOwner.get(owner);
  if (!keys) {
    keys = new Map();
    byOwner.set(owner, keys);
  }
  const id = idOf(oaepHash, encryptedKey);
  const known = keys.get(id);
  if (known && now - known.at < MAX_AGE_MS) {
    // Unwrapped meanwhile by a concurrent call, whose caller may still hold that buffer.
    if (known.key !== key) key.fill(0);
    return known.key;
  }
  if (known) forget(keys, id);
  keys.set(id, { key, at: now });
  while (keys.size > MAX_KEYS) forget(keys, keys.keys().next().value as string);
  return key;
}

/** The synchronous form: `unwrap` runs only when the key is not remembered. */
export function unwrapOnce(
  owner: object,
  oaepHash: string,
  encryptedKey: Uint8Array,
  unwrap: () => Buffer,
  now = Date.now(),
): Buffer {
  return (
    unwrappedBefore(owner, oaepHash, encryptedKey, now) ??
    rememberUnwrapped(owner, oaepHash, encryptedKey, unwrap(), now)
  );
}

function idOf(oaepHash: string, encryptedKey: Uint8Array): string {
  return `${oaepHash}:${Buffer.from(encryptedKey.buffer, encryptedKey.byteOffset, encryptedKey.byteLength).toString('base64')}`;
}

function forget(keys: Map<string, Remembered>, id: string): void {
  keys.get(id)?.key.fill(0);
  keys.delete(id);
}
