import { createExchangePair, eventually, type ExchangePair } from './support/exchange-pair';
import { databaseOutage } from './support/faults';
import { freePort } from './support/gateway-process';

interface Ready {
  status: string;
  code?: string;
  message?: string;
  reasons?: string[];
  checks: Record<string, { ok: boolean; reason?: string; leading?: boolean }>;
}

/**
 * #17: liveness and readiness apart. `/health/live` answers while the process does; `/health/ready`
 * is 503 SERVICE_UNAVAILABLE (Retry-After, reasons) while the database, the broker or the
 * audit sequencer is not there, and 200 again once they are; `/health` keeps its answer.
 */
describe('health probes: /health/live and /health/ready on a real gateway', () => {
  let pair: ExchangePair;

  beforeAll(async () => {
    pair = await createExchangePair();
  }, 90_000);
  afterAll(() => pair?.close());

  const probe = async (path: string) => {
    const response = await pair.kz.process.fetch(path);
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Ready,
    };
  };
  /** The first 503 of /health/ready within 30 s (`what` names the wait if none comes). */
  const unreadyFor = (what: string) =>
    eventually(
      async () => {
        const answer = await probe('/health/ready');
        return answer.status === 503 ? answer : undefined;
      },
      30_000,
      what,
    );
  const readyAgain = () =>
    eventually(
      async () => ((await probe('/health/ready')).status === 200 ? true : undefined),
      30_000,
      'ready again',
    );

  it('is live and ready with every check passing, and /health answers as before', async () => {
    expect(await probe('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await probe('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    for (const check of ['database', 'migrations', 'broker', 'auditSequencer', 'trust']) {
      expect({ check, ok: ready.body.checks[check]?.ok }).toEqual({ check, ok: true });
    }
    expect(ready.body.checks.auditSequencer.leading).toBe(true);
    const health = await probe('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      info: { database: { status: 'up' }, broker: { status: 'up' } },
    });
  });

  it('is unready while its database is unreachable — database and audit sequencer named — live throughout, and ready again after', async () => {
    const restore = await databaseOutage(pair.kz.db);
    try {
      const unready = await eventually(
        async () => {
          const answer = await probe('/health/ready');
          const reasons = answer.body.reasons ?? [];
          return answer.status === 503 &&
            reasons.some((r) => r.startsWith('database unavailable')) &&
            reasons.some((r) => r.startsWith('audit sequencer failing'))
            ? answer
            : undefined;
        },
        30_000,
        'unready for the database and the sequencer',
      );
      expect(unready.body).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        status: 503, // RFC 9457: the problem's status is the HTTP status
        checks: { database: { ok: false }, broker: { ok: true }, trust: { ok: true } },
      });
      expect(unready.body.message).toMatch(/^not ready: database unavailable/);
      expect(unready.retryAfter).not.toBeNull();
      expect((await probe('/health/live')).status).toBe(200);
    } finally {
      await restore();
    }
    await readyAgain();
    const ready = await probe('/health/ready');
    expect(ready.body.checks.auditSequencer).toMatchObject({ ok: true });
  }, 60_000);

  it('is unready, and says so, while its broker cannot be reached', async () => {
    await pair.kz.stop();
    // A port nothing listens on: the gateway starts, and keeps trying its broker.
    const nowhere = `amqp://mxg:mxg@127.0.0.1:${await freePort()}/mxg-kz`;
    await pair.kz.start({ AMQP_URL: nowhere });
    try {
      const unready = await unreadyFor('unready for the broker');
      expect(unready.body.reasons).toEqual([expect.stringMatching(/^broker unavailable/)]);
      expect(unready.body.checks).toMatchObject({
        database: { ok: true },
        migrations: { ok: true },
        broker: { ok: false },
        auditSequencer: { ok: true },
      });
      expect((await probe('/health/live')).status).toBe(200);
    } finally {
      await pair.kz.stop();
      await pair.kz.start();
    }
    await readyAgain();
  }, 90_000);

  // Last: the gateway's clock is not set back (its checkpoints would then run backwards).
  it('is unready once a trusted CRL is past its nextUpdate (revocation can no longer be checked), live throughout', async () => {
    const crls = (await probe('/health')).body as unknown as {
      trust: { parties: Record<string, { nextUpdate: string | null }> };
    };
    const latest = Math.max(
      ...Object.values(crls.trust.parties).map((p) => Date.parse(p.nextUpdate ?? '')),
    );
    expect(Number.isFinite(latest)).toBe(true);
    // One hour past the last nextUpdate of every party's CRL, on this gateway's clock.
    pair.kz.setClockOffset(latest - Date.now() + 3_600_000);
    const unready = await unreadyFor('unready for the trust list');
    expect(unready.retryAfter).not.toBeNull();
    expect(unready.body.checks.trust).toMatchObject({ ok: false });
    expect(unready.body.reasons).toEqual([
      expect.stringMatching(/^trust list: .*'s newest CRL is past its nextUpdate/),
    ]);
    for (const check of ['database', 'migrations', 'broker']) {
      expect({ check, ok: unready.body.checks[check]?.ok }).toEqual({ check, ok: true });
    }
    expect((await probe('/health/live')).status).toBe(200);
  }, 60_000);
});
