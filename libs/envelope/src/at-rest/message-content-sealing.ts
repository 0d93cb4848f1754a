import { randomBytes } from 'node:crypto';
import { decryptColumn, encryptColumn } from './content-cipher';
import type { DataKeyWrapper, WrappedDataKey } from './data-key-wrapper';

/** What `message_contents` holds of a message beside its envelope (MIG-11.4). */
export interface MessageContentColumns {
  /** The canonical signed message (header, body, attachments). */
  readonly content: Uint8Array;
  /** The signatory's CMS SignedData, which embeds `content`. */
  readonly signed: Uint8Array;
}

/** A message's columns encrypted under a fresh data key, and that key wrapped. */
export interface SealedMessageContent {
  readonly content: Buffer;
  readonly signed: Buffer;
  readonly key: WrappedDataKey;
}

/**
 * Encrypts a message's content and signed original under a new random 256-bit data key of its
 * own (AES-256-GCM, content-cipher.ts) and wraps that key with the key store's KEK. The data key
 * exists in memory only for this call.
 */
export async function sealMessageContent(
  keys: DataKeyWrapper,
  messageId: string,
  columns: MessageContentColumns,
): Promise<SealedMessageContent> {
  const dataKey = randomBytes(32);
  try {
    return {
      content: encryptColumn(dataKey, { messageId, column: 'content' }, columns.content),
      signed: encryptColumn(dataKey, { messageId, column: 'signed' }, columns.signed),
      key: await keys.wrap(dataKey),
    };
  } finally {
    dataKey.fill(0);
  }
}

/** The plaintext columns of a sealed message; throws AtRestError when anything fails to verify. */
export async function openMessageContent(
  keys: DataKeyWrapper,
  messageId: string,
  sealed: MessageContentColumns,
  key: WrappedDataKey,
): Promise<{ content: Buffer; signed: Buffer }> {
  const dataKey = await keys.unwrap(key);
  try {
    return {
      content: decryptColumn(dataKey, { messageId, column: 'content' }, sealed.content),
      signed: decryptColumn(dataKey, { messageId, column: 'signed' }, sealed.signed),
    };
  } finally {
    dataKey.fill(0);
  }
}
