import type { SealedMessageContent } from '@mxg/envelope';
import type { SqlStatement } from '@mxg/database';

/**
 * Rows of `message_contents` stored before content was encrypted (MIG-11.4): no key row, and
 * neither column begins with the encrypted format's version byte 0x01 (a canonical message begins
 * with `{`, a SignedData with 0x30) — so a row whose key was shredded is never taken for one (and
 * the same test as ExchangeStore's, so no row is taken again and again). Locked for the
 * transaction; rows another instance holds are skipped. `$1`: how many.
 */
export const LEGACY_CONTENT_SELECT = `
  SELECT c.message_id, c.content, c.signed FROM message_contents c
   WHERE NOT EXISTS (SELECT 1 FROM message_keys k WHERE k.message_id = c.message_id)
     AND substring(c.content FROM 1 FOR 1) <> '\\x01'::bytea
     AND substring(c.signed FROM 1 FOR 1) <> '\\x01'::bytea
   LIMIT $1 FOR UPDATE OF c SKIP LOCKED`;

/**
 * Replaces one legacy row's content and signed original by their ciphertexts and inserts its
 * key row, in one statement — and only if no key row exists for the message yet (the primary key
 * of `message_keys` decides between instances): never encrypted twice.
 */
export function encryptLegacyContentStatement(
  messageId: string,
  sealed: SealedMessageContent,
): SqlStatement {
  return {
    text: `WITH k AS (
             INSERT INTO message_keys (message_id, kek, wrapped) VALUES ($1, $2, $3)
             ON CONFLICT (message_id) DO NOTHING RETURNING message_id)
           UPDATE message_contents SET content = $4, signed = $5
            WHERE message_id IN (SELECT message_id FROM k)`,
    parameters: [messageId, sealed.key.kek, sealed.key.wrapped, sealed.content, sealed.signed],
  };
}
