import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox keeps no payload it no longer needs (#10.9). A refused delivery was kept whole in
 * its dead-letter row for ever (a 20 MB garbage delivery made a 20 MB row, beside its copy on
 * the dead-letter queue), and every published receipt row kept a second copy of what
 * `receipts` holds. From now on the relay drops those payloads when it marks a row published
 * (ExchangeStore.markBatchPublished); this clears the ones published before, and a CHECK
 * makes a published dead letter with a payload impossible. Its size and digest stay in the
 * audit log and in the dead letter's headers. Not restorable: `down` leaves empty payloads, so
 * that the migrations before it can still be reverted.
 */
export class OutboxPayloadEvidence1764291600000 implements MigrationInterface {
  name = 'OutboxPayloadEvidence1764291600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE outbox o SET payload = NULL
       WHERE o.published_at IS NOT NULL AND o.payload IS NOT NULL
         AND (o.kind = 'dead-letter' OR (o.kind = 'receipt' AND EXISTS (
               SELECT 1 FROM receipts r
                WHERE r.direction = 'sent' AND r.message_id::text = o.message_id
                  AND r.signed = o.payload)))`);
    await q.query(`
      ALTER TABLE outbox ADD CONSTRAINT outbox_published_dead_letter_no_payload
        CHECK (kind <> 'dead-letter' OR published_at IS NULL OR payload IS NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_published_dead_letter_no_payload`);
    await q.query(
      `UPDATE outbox SET payload = '\\x'::bytea WHERE payload IS NULL AND kind <> 'envelope'`,
    );
  }
}
