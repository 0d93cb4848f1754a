import { FixedClock } from '@mxg/core';
import { SqlParameters, type SqlClient } from '@mxg/database';
import { AuditAppender, auditEntriesJoining } from './audit-appender';

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
const ofMessage = {
  type: 'message.received' as const,
  messageId: '0b0d6a1e-3c1f-4f7a-9d0e-2b8a4c6f1e20',
  parties: ['KZ', 'AZ'],
};

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

  it('joins the entries appendMany writes to a caller’s statement, bound after its parameters', async () => {
    const time = new Date('2026-11-22T00:00:00Z');
    const ran: unknown[][] = [];
    const tx: SqlClient = {
      query: (_text: string, parameters: unknown[] = []) => {
        ran.push(parameters);
        return Promise.resolve([]);
      },
    };
    await new AuditAppender(tx, new FixedClock(time)).appendMany([ofMessage], { db: tx });
    const parameters = new SqlParameters();
    for (let i = 0; i < 21; i++) parameters.bind(i, 'int'); // the caller's own

    const text = auditEntriesJoining([ofMessage], {
      time,
      parameters,
      join: { whenMessageIdIn: { cte: 'm', column: 'id' } },
    });

    expect(text).toMatch(/^INSERT INTO audit_entries /);
    expect(text).toContain('$22::timestamptz');
    expect(text).toContain('$34::jsonb');
    expect(text).not.toContain('$21');
    expect(text).toMatch(/WHERE v\.message_id IN \(SELECT id::text FROM m\)$/);
    expect(parameters.values.slice(21)).toEqual(ran[0]);
  });

  it('joins no entry that names no message: it could never be written', () => {
    expect(() =>
      auditEntriesJoining([event], {
        time: new Date(),
        parameters: new SqlParameters(),
        join: { whenMessageIdIn: { cte: 'm', column: 'id' } },
      }),
    ).toThrow(RangeError);
  });

  it('joins only on plain SQL names', () => {
    expect(() =>
      auditEntriesJoining([ofMessage], {
        time: new Date(),
        parameters: new SqlParameters(),
        join: { whenMessageIdIn: { cte: 'm) OR (true', column: 'id' } },
      }),
    ).toThrow(RangeError);
  });

  it('binds nothing for a malformed event', () => {
    const parameters = new SqlParameters();
    expect(() =>
      auditEntriesJoining([ofMessage, { ...ofMessage, parties: ['kazakhstan'] }], {
        time: new Date(),
        parameters,
        join: { whenMessageIdIn: { cte: 'm', column: 'id' } },
      }),
    ).toThrow();
    expect(parameters.values).toEqual([]);
  });
});
