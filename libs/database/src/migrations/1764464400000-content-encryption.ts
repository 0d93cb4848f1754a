import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MIG-11.4, MIG-11.5: message content is encrypted at rest, each message under its own data key.
 * `message_keys` holds that key wrapped by a key-encryption key the key store keeps (a file key
 * in development, a hardware module later); `kek` names which one. Destroying a message
 * (crypto-shredding) deletes its key row and its ciphertext: what a dump or a backup still holds
 * cannot be decrypted by anyone.
 */
export class ContentEncryption1764464400000 implements MigrationInterface {
  name = 'ContentEncryption1764464400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE message_keys (
        message_id  uuid  PRIMARY KEY REFERENCES messages (id),
        kek         text  NOT NULL,  -- id of the key-encryption key that wrapped it
        wrapped     bytea NOT NULL   -- the message's data key, wrapped (never stored in the clear)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE message_keys`);
  }
}
