import { Pool } from 'pg';
import { AuditAppender, AuditLogWorker, type StoredCheckpoint } from '@mxg/audit';
import { SystemClock } from '@mxg/core';
import { newSequencer, partyAuditKeys } from './support/audit-fixtures';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Regression: the worker started its checkpoint interval on every attempt, even one that found
 * nothing to sign, so the first entry after an idle spell (e.g. `config.changed` at gateway
 * start) waited up to a whole interval for its checkpoint while already visible to auditors.
 */
describe('AuditLogWorker checkpoints the first entry after an idle spell at once (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let worker: AuditLogWorker | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('worker');
    pool = new Pool({ connectionString: db.appUrl, max: 2 });
  });

  afterAll(async () => {
    await worker?.stop();
    await pool?.end();
    await db?.drop();
  });

  it('signs it within a few polls, not an interval later', async () => {
    const clock = new SystemClock();
    const checkpoints: { checkpoint: StoredCheckpoint; at: number }[] = [];
    const intervalMs = 10_000;
    worker = new AuditLogWorker(newSequencer(db.appUrl, await partyAuditKeys('KZ'), clock), {
      pollMs: 20,
      checkpointIntervalMs: intervalMs,
      onCheckpoint: (checkpoint) => checkpoints.push({ checkpoint, at: Date.now() }),
    });
    worker.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // idle: nothing to sign

    const appendedAt = Date.now();
    await new AuditAppender(pool, clock).append({ type: 'config.changed', parties: ['KZ'] });
    while (checkpoints.length === 0 && Date.now() - appendedAt < intervalMs + 2000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(checkpoints.map((c) => c.checkpoint.treeSize)).toEqual([1]);
    expect(checkpoints[0].at - appendedAt).toBeLessThan(intervalMs / 2);
  });
});
