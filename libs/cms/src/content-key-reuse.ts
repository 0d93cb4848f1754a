/** A content-encryption key and its key-transport encryption for one recipient. */
export interface WrappedContentKey {
  readonly key: Buffer;
  /** The RSA-OAEP encryption of `key` for the recipient: KeyTransRecipientInfo.encryptedKey. */
  readonly encryptedKey: Buffer;
}

export interface ContentKeyReuseOptions {
  /** How long one key serves a recipient before a fresh one is drawn and wrapped. */
  readonly maxAgeMs: number;
  /** How many envelopes one key encrypts at most (AES-CBC, random IVs: far below its bounds). */
  readonly maxUses: number;
  /** Milliseconds now; for tests. */
  readonly now?: () => number;
}

interface Current extends WrappedContentKey {
  readonly since: number;
  uses: number;
}

/**
 * Sender side of reusing a content-encryption key (RFC 5652 §6): each envelope to a recipient
 * carries the same KeyTransRecipientInfo for up to `maxAgeMs` or `maxUses` envelopes, with a
 * fresh IV each, so the receiver unwraps the key once (≈ 250 µs of RSA-2048 private-key work)
 * and not once per message. Every envelope stays standard EnvelopedData that `openssl cms
 * -decrypt` opens on its own. What it trades: one key (not one per message) is exposed if a
 * recipient-side key leaks within a rotation — the same as a rotated key-encryption key
 * (KEKRecipientInfo) between gateways, without agreeing one.
 */
export class ContentKeyReuse {
  private readonly current = new Map<string, Current>();
  private readonly now: () => number;

  constructor(private readonly options: ContentKeyReuseOptions) {
    if (!(options.maxAgeMs > 0) || !(options.maxUses >= 1)) {
      throw new RangeError('maxAgeMs and maxUses must be positive');
    }
    this.now = options.now ?? Date.now;
  }

  /** The key for `recipient` (a stable id of its certificate), made by `fresh` when due. */
  take(recipient: string, fresh: () => WrappedContentKey): WrappedContentKey {
    const now = this.now();
    const held = this.current.get(recipient);
    if (held && held.uses < this.options.maxUses && now - held.since < this.options.maxAgeMs) {
      held.uses++;
      return held;
    }
    held?.key.fill(0);
    const made: Current = { ...fresh(), since: now, uses: 1 };
    this.current.set(recipient, made);
    return made;
  }
}
