import { createHash, randomBytes } from 'node:crypto';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import type { GatewayProcess } from './support/gateway-process';
import { waitForHttp } from './support/gateway-process';
import { parsePrometheusText, sampleValue, type PromSample } from './support/prometheus-text';
import { publishRaw } from './support/raw-delivery';

/** The versioned API's prefix; probes and /metrics stay outside it. */
const API = '/v1';
const N = 5;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface View {
  id: string;
  status: string;
  code?: string;
}

/**
 * #17 done-when: `/metrics` scraped after an exchange between two real gateways (processes, own
 * databases, own RabbitMQ vhosts) counts exactly what was sent, received, delivered, refused
 * and dead-lettered, and reveals no message id or content.
 */
describe('metrics: /metrics after a real exchange KZ -> AZ', () => {
  let pair: ExchangePair;
  const ids: string[] = [];
  let kz: PromSample[];
  let az: PromSample[];
  let kzText: string;
  let azText: string;

  const scrape = async (gateway: GatewayUnderTest | GatewayProcess, headers = {}) => {
    const process = 'process' in gateway ? gateway.process : gateway;
    return process.fetch('/metrics', { headers });
  };

  beforeAll(async () => {
    pair = await createExchangePair();
    // N requests, one after the other so each is stored before the next.
    for (let i = 0; i < N; i++) {
      const { status, body } = await pair.kz.api<View>(
        'KZ-MVD',
        'POST',
        `${API}/messages`,
        registrationRequest(),
      );
      expect(status).toBe(202);
      ids.push(body.id);
    }
    // One refused submission: a type the agreement does not know.
    const refused = await pair.kz.api<View>('KZ-MVD', 'POST', `${API}/messages`, {
      ...registrationRequest(),
      type: 'no-such-type',
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    // One delivery AZ cannot open: dead-lettered there, no receipt (nothing authenticated).
    await publishRaw(
      pair,
      'AZ',
      [
        {
          bytes: Buffer.from('not CMS at all'),
          properties: { messageId: 'garbage-1', type: 'mxg.envelope' },
        },
      ],
      'KZ',
    );
    for (const id of ids) {
      await eventually(
        async () => {
          const { body } = await pair.kz.api<View>('KZ-MVD', 'GET', `${API}/messages/${id}`);
          return body.status === 'delivered' || undefined;
        },
        30_000,
        `message ${id} delivered`,
      );
      const ack = await pair.az.api<View>('AZ-DMX', 'POST', `${API}/inbox/${id}/ack`);
      expect(ack.status).toBe(200);
    }
    // Every outbox row published on both sides (envelopes at KZ; receipts, the dead letter at AZ).
    await eventually(
      async () => {
        const texts = await Promise.all(
          [scrape(pair.kz), scrape(pair.az)].map(async (r) => (await r).text()),
        );
        const [k, a] = texts.map(parsePrometheusText);
        const pending = [k, a].flatMap((samples) =>
          samples.filter((s) => s.name === 'mxg_outbox_depth' && s.value !== 0),
        );
        const deadLetterOut = sampleValue(a, 'mxg_outbox_published_total', { kind: 'dead-letter' });
        if (pending.length > 0 || deadLetterOut !== 1) return undefined;
        [kzText, azText] = texts;
        [kz, az] = [k, a];
        return true;
      },
      30_000,
      'both outboxes empty',
    );
  }, 180_000);

  afterAll(() => pair?.close());

  it('counts what KZ sent, by event, type, status, outcome and code, and times each delivery', () => {
    const submitted = {
      event: 'message.submitted',
      type: 'request',
      status: 'accepted',
      outcome: 'success',
      peer: 'AZ',
    };
    expect(sampleValue(kz, 'mxg_messages_total', submitted)).toBe(N);
    expect(
      sampleValue(kz, 'mxg_messages_total', {
        event: 'message.submitted',
        type: 'unknown',
        outcome: 'failure',
        code: 'VALIDATION_FAILED',
      }),
    ).toBe(1);
    expect(
      sampleValue(kz, 'mxg_messages_total', {
        event: 'receipt.received',
        type: 'request',
        status: 'delivered',
        outcome: 'success',
        peer: 'AZ',
      }),
    ).toBe(N);
    expect(sampleValue(kz, 'mxg_message_delivery_seconds_count', { type: 'request' })).toBe(N);
    expect(sampleValue(kz, 'mxg_receipt_latency_seconds_count', { type: 'request' })).toBe(N);
    // Every delivery took more than nothing and less than the test's minute.
    expect(
      sampleValue(kz, 'mxg_message_delivery_seconds_sum', { type: 'request' }),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(kz, 'mxg_message_delivery_seconds_bucket', { type: 'request', le: '60' }),
    ).toBe(N);
    expect(sampleValue(kz, 'mxg_outbox_published_total', { kind: 'envelope' })).toBe(N);
    for (const kind of ['envelope', 'receipt', 'dead-letter']) {
      expect({ kind, depth: sampleValue(kz, 'mxg_outbox_depth', { kind }) }).toEqual({
        kind,
        depth: 0,
      });
      expect(sampleValue(kz, 'mxg_outbox_oldest_age_seconds', { kind })).toBe(0);
    }
    // Nothing KZ received, refused or dead-lettered.
    expect(kz.filter((s) => s.name === 'mxg_dead_letters_total')).toEqual([]);
    expect(
      kz.filter(
        (s) =>
          s.name === 'mxg_messages_total' &&
          s.labels.event !== 'message.submitted' &&
          s.labels.event !== 'receipt.received',
      ),
    ).toEqual([]);
  });

  it('counts what AZ received, handed over and dead-lettered', () => {
    expect(
      sampleValue(az, 'mxg_messages_total', {
        event: 'message.received',
        type: 'request',
        status: 'received',
        outcome: 'success',
        peer: 'KZ',
      }),
    ).toBe(N);
    expect(
      sampleValue(az, 'mxg_messages_total', {
        event: 'message.delivered',
        type: 'request',
        status: 'acknowledged',
        outcome: 'success',
        peer: 'KZ',
      }),
    ).toBe(N);
    expect(
      sampleValue(az, 'mxg_messages_total', {
        event: 'message.rejected',
        type: 'unknown',
        outcome: 'failure',
        code: 'MALFORMED_ENVELOPE',
      }),
    ).toBe(1);
    expect(sampleValue(az, 'mxg_dead_letters_total', { code: 'MALFORMED_ENVELOPE' })).toBe(1);
    expect(sampleValue(az, 'mxg_outbox_published_total', { kind: 'receipt' })).toBe(N);
    expect(sampleValue(az, 'mxg_outbox_published_total', { kind: 'dead-letter' })).toBe(1);
    expect(az.filter((s) => s.name === 'mxg_message_delivery_seconds_count')).toEqual([]);
  });

  it('reports the audit log, certificates, CRLs and overdue requests as gauges', () => {
    for (const samples of [kz, az]) {
      expect(sampleValue(samples, 'mxg_audit_sequencer_leading')).toBe(1);
      expect(sampleValue(samples, 'mxg_audit_sequencer_lag_entries')).toBeGreaterThanOrEqual(0);
      expect(sampleValue(samples, 'mxg_audit_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(sampleValue(samples, 'mxg_requests_overdue', { side: 'requester' })).toBe(0);
      expect(sampleValue(samples, 'mxg_requests_overdue', { side: 'requested' })).toBe(0);
      for (const party of ['KZ', 'AZ']) {
        for (const certificate of ['ca', 'seal', 'encryption']) {
          expect(
            sampleValue(samples, 'mxg_certificate_expiry_days', { party, certificate }),
          ).toBeGreaterThan(1);
        }
        expect(sampleValue(samples, 'mxg_crl_expiry_days', { party })).toBeGreaterThan(0);
      }
      expect(samples.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true);
    }
  });

  it('reveals no message id, no content and no unbounded label', () => {
    // The example request's person and free text: the values, never the field names.
    const { persons, summary } = registrationRequest().body as unknown as {
      persons: {
        surname: { cyrillic: string; latin: string };
        birthDate: string;
        document: { number: string };
      }[];
      summary: string;
    };
    const [person] = persons;
    const revealing = [
      person.surname.cyrillic,
      person.surname.latin,
      person.birthDate,
      person.document.number,
      summary,
    ];
    for (const text of [kzText, azText]) {
      expect(text).not.toMatch(UUID);
      for (const id of ids) expect(text).not.toContain(id);
      expect(text).not.toContain('garbage-1');
      for (const word of revealing) expect(text).not.toContain(word);
    }
    const labels = new Set([...kz, ...az].flatMap((s) => Object.keys(s.labels)));
    expect([...labels].sort()).toEqual(
      expect.arrayContaining([
        'certificate',
        'code',
        'event',
        'kind',
        'outcome',
        'party',
        'peer',
        'side',
        'status',
        'type',
      ]),
    );
    for (const label of labels) {
      expect([
        'certificate',
        'code',
        'event',
        'kind',
        'outcome',
        'party',
        'peer',
        'side',
        'status',
        'type',
        'le',
        'quantile',
        'version',
        'major',
        'minor',
        'patch',
        'space',
      ]).toContain(label);
    }
  });

  it('answers in the Prometheus text format, to anyone by default', async () => {
    const response = await scrape(pair.kz);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('asks for the metrics token with MXG_METRICS=token, and has no route with MXG_METRICS=off', async () => {
    const token = randomBytes(24).toString('base64url');
    const sha = createHash('sha256').update(token).digest('hex');
    const guarded = await pair.kz.spawnInstance({
      MXG_METRICS: 'token',
      MXG_METRICS_TOKEN_SHA256: sha,
    });
    const off = await pair.kz.spawnInstance({ MXG_METRICS: 'off' });
    try {
      await waitForHttp(guarded, '/health/live');
      await waitForHttp(off, '/health/live');
      const none = await scrape(guarded);
      expect({ status: none.status, code: ((await none.json()) as View).code }).toEqual({
        status: 401,
        code: 'AUTH_UNAUTHENTICATED',
      });
      const wrong = await scrape(guarded, { authorization: `Bearer ${token}x` });
      expect(wrong.status).toBe(401);
      const right = await scrape(guarded, { authorization: `Bearer ${token}` });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('mxg_messages_total');
      const gone = await scrape(off);
      expect({ status: gone.status, code: ((await gone.json()) as View).code }).toEqual({
        status: 404,
        code: 'NOT_FOUND',
      });
    } finally {
      await guarded.stop();
      await off.stop();
    }
  }, 60_000);
});
