/** A message's data key as stored in `message_keys`: wrapped, with the id of the KEK that wrapped it. */
export interface WrappedDataKey {
  /** Names the key-encryption key, never reveals it (e.g. `file:` + a digest of the key). */
  readonly kek: string;
  readonly wrapped: Buffer;
}

/**
 * The key-store operation for data keys at rest (MIG-11.4): wraps and unwraps, and never hands
 * out the key-encryption key (KEK) itself — so a PKCS#11 module can hold it later, doing the
 * same two operations (CKM_AES_KEY_WRAP_KWP) without the key ever leaving it.
 */
export interface DataKeyWrapper {
  /** The id of the KEK `wrap` uses now. */
  readonly kek: string;
  /** Wraps a data key under the current KEK. */
  wrap(dataKey: Uint8Array): Promise<WrappedDataKey>;
  /**
   * The data key `wrapped` holds. KEK_UNKNOWN when `kek` names no KEK this store holds;
   * DATA_KEY_UNWRAP_FAILED when the wrapped bytes fail the key wrap's integrity check.
   */
  unwrap(key: WrappedDataKey): Promise<Buffer>;
}
