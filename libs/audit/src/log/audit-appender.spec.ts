import { FixedClock } from '@mxg/core';
import { AuditAppender, auditInsertStatement } from './audit-appender';
import type { SqlClient } from '../store/sql-client';

/** Records statements and lets the test hold the first one "in flight" (a slow commit). */
class RecordingClient implements SqlClient {
  readonly statements: { rows: number }[] = [];
  private release: (() => void) | undefined;
  failNext = false;

  hold(): void {
    this.release = undefined;
    this.holding = new Promise<void>((resolve) => (this.release = resolve));
  }

  private holding: Promise<void> | undefined;

  unhold(): void {
    this.release?.();
    this.holding = undefined;
  }

  async query(_sql: string, parameters: unknown[] = []): Promise<unknown> {
    const held = this.holding;
    if (held) await held;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection lost');
    }
    this.statements.push({ rows: parameters.length / 13 });
    return [];
  }
}

const event = { type: 'config.changed' as const, parties: ['KZ'] };

describe(AuditAppender.name, () => {
  it('group-commits appends that arrive while a write is in flight', async () => {
    const db = new RecordingClient();
    const sut = new AuditAppender(db, new FixedClock(new Date('2026-11-22T00:00:00Z')));
    db.hold();
    const first = sut.append(event);
    const rest = Array.from({ length: 150 }, () => sut.append(event));
    db.unhold();
    await Promise.all([first, ...rest]);
    // The first INSERT alone, then 150 waiting appends in statements of at most 100 rows.
    expect(db.statements.map((s) => s.rows)).toEqual([1, 100, 50]);
  });

  it('fails exactly the appends whose statement failed, and recovers', async () => {
    const db = new RecordingClient();
    const sut = new AuditAppender(db, new FixedClock(new Date('2026-11-22T00:00:00Z')));
    db.failNext = true;
    await expect(sut.append(event)).rejects.toThrow('connection lost');
    await expect(sut.append(event)).resolves.toBeUndefined();
    expect(db.statements).toEqual([{ rows: 1 }]);
  });

  it('refuses a malformed event before queueing anything', async () => {
    const db = new RecordingClient();
    const sut = new AuditAppender(db, new FixedClock(new Date('2026-11-22T00:00:00Z')));
    await expect(sut.append({ type: 'config.changed', parties: ['kazakhstan'] })).rejects.toThrow();
    expect(db.statements).toEqual([]);
  });

  it('writes inside the caller’s transaction without waiting for the queue', async () => {
    const shared = new RecordingClient();
    const tx = new RecordingClient();
    const sut = new AuditAppender(shared, new FixedClock(new Date('2026-11-22T00:00:00Z')));
    shared.hold();
    const queued = sut.append(event);
    await sut.appendMany([event, event], { db: tx });
    expect(tx.statements).toEqual([{ rows: 2 }]);
    shared.unhold();
    await queued;
    expect(shared.statements).toEqual([{ rows: 1 }]);
  });

  it('hands out the INSERT appendMany runs, numbered for the caller’s statement', async () => {
    const time = new Date('2026-11-22T00:00:00Z');
    const sql: string[] = [];
    const tx: SqlClient = {
      query: (text: string) => {
        sql.push(text);
        return Promise.resolve([]);
      },
    };
    await new AuditAppender(tx, new FixedClock(time)).appendMany([event, event], { db: tx });
    const alone = auditInsertStatement([event, event], { time });
    expect(alone.text).toBe(sql[0]);
    expect(alone.parameters).toHaveLength(26);
    const inCte = auditInsertStatement([event], {
      time,
      firstParameter: 22,
      onlyIf: 'EXISTS (SELECT FROM m)',
    });
    expect(inCte.text).toContain('$22::timestamptz');
    expect(inCte.text).toContain('$34::jsonb');
    expect(inCte.text).not.toContain('$21');
    expect(inCte.text).toMatch(/WHERE EXISTS \(SELECT FROM m\)$/);
    expect(inCte.parameters).toEqual(alone.parameters.slice(0, 13));
  });

  it('builds no statement for a malformed event', () => {
    expect(() =>
      auditInsertStatement([event, { type: 'config.changed', parties: ['kazakhstan'] }], {
        time: new Date(),
      }),
    ).toThrow();
  });
});
