import { randomInt } from 'node:crypto';
import { type Person, personSchema, transliterate } from '@mxg/messages';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ExchangePair,
} from './support/exchange-pair';
import { waitForHttp } from './support/gateway-process';
import { publishRaw } from './support/raw-delivery';

/** The versioned API's prefix; probes and /metrics stay outside it. */
const API = '/v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A distinctive person (as in personal-data-leak.e2e-spec.ts): found nowhere but in this test.
const latin = (name: string) => transliterate(name)!;
const documentNumber = `QJ${String(randomInt(10_000_000, 99_999_999))}`;
const person: Person = personSchema.parse({
  surname: { cyrillic: 'Пшеничкина', latin: latin('Пшеничкина') },
  name: { cyrillic: 'Евлампия', latin: latin('Евлампия') },
  sex: 'female',
  birthDate: '1908-02-29',
  birthPlace: 'с. Бескарагай, Республика Казахстан',
  citizenship: 'KAZ',
  document: { kind: 'passport', number: documentNumber, issuedOn: '2020-01-15', issuer: 'МВД РК' },
});
const PERSONAL = [
  person.surname.cyrillic,
  person.surname.latin!,
  person.name.cyrillic,
  person.name.latin!,
  documentNumber,
  '1908-02-29',
];

const personRequest = () => {
  const request = registrationRequest();
  return {
    ...request,
    body: { ...request.body, persons: [{ ...person, photographs: ['photo-1'] }] },
  };
};

interface LogLine {
  level: string;
  time: string;
  msg: string;
  context?: string;
  gateway: string;
  party: string;
  reqId?: string;
  messageId?: string | null;
  code?: string | null;
  status?: number;
  route?: string | null;
  [field: string]: unknown;
}

/**
 * #17: the gateway logs JSON lines when its output is not a terminal — no colour codes — each
 * with its gateway, level and time; a request's lines with its request id (the client's
 * `X-Request-Id` when well-formed, answered back), the message id and the refusal code; and no
 * personal data, at the most detailed level either.
 */
describe('logs: JSON lines with request id, message id and code, and no personal data', () => {
  let pair: ExchangePair;
  let delivered: string;

  const lines = (output: string): LogLine[] =>
    output
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    pair = await createExchangePair({ start: { kz: false, az: false } });
    await pair.kz.start({ MXG_LOG_LEVEL: 'verbose' });
    await pair.az.start({ MXG_LOG_LEVEL: 'verbose' });
    const submitted = await pair.kz.api<{ id: string }>(
      'KZ-MVD',
      'POST',
      `${API}/messages`,
      personRequest(),
      { 'X-Request-Id': 'client-req-0001' },
    );
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('x-request-id')).toBe('client-req-0001');
    delivered = submitted.body.id;
    await eventually(
      async () => {
        const { body } = await pair.kz.api<{ status: string }>(
          'KZ-MVD',
          'GET',
          `${API}/messages/${delivered}`,
        );
        return body.status === 'delivered' || undefined;
      },
      30_000,
      'the request delivered',
    );
    const read = await pair.az.api('AZ-DMX', 'GET', `${API}/inbox/${delivered}`, undefined, {
      'X-Request-Id': 'az-read-0001',
      'MXG-Purpose': 'registration-check',
    });
    expect(read.status).toBeLessThan(500);
  }, 120_000);

  afterAll(() => pair?.close());

  it('writes every line of both gateways as one JSON object with level, time, gateway and party, and no colour codes', () => {
    for (const [gateway, party] of [
      [pair.kz, 'KZ'],
      [pair.az, 'AZ'],
    ] as const) {
      const output = gateway.process.output();
      expect(output).not.toContain('\x1b[');
      const all = lines(output);
      expect(all.length).toBeGreaterThan(5);
      for (const line of all) {
        expect(line).toMatchObject({ gateway: gateway.id, party });
        expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(line.level);
        expect(new Date(line.time).toISOString()).toBe(line.time);
        expect(typeof line.msg).toBe('string');
      }
      expect(all.some((l) => l.context === 'Gateway' && /listening on/.test(l.msg))).toBe(true);
    }
  });

  it('logs a request with its id, the message it stored and its status', () => {
    const line = lines(pair.kz.process.output()).find(
      (l) => l.reqId === 'client-req-0001' && l.msg === 'answered',
    );
    expect(line).toMatchObject({
      context: 'Http',
      method: 'POST',
      route: `${API}/messages`,
      status: 202,
      messageId: delivered,
      code: null,
    });
  });

  it('logs a refusal with its request id and code, and makes up an id for a client without a well-formed one', async () => {
    const refused = await pair.kz.api<{ code: string }>(
      'KZ-MVD',
      'POST',
      `${API}/messages`,
      { ...personRequest(), signatory: 'no-such-signatory' },
      { 'X-Request-Id': 'has spaces, so not used' },
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const requestId = refused.headers.get('x-request-id')!;
    expect(requestId).toMatch(UUID);
    const line = await eventually(
      () =>
        Promise.resolve(
          lines(pair.kz.process.output()).find(
            (l) => l.reqId === requestId && l.msg === 'answered',
          ),
        ),
      5_000,
      'the refusal logged',
    );
    expect(line).toMatchObject({
      status: refused.status,
      code: refused.body.code,
      messageId: null,
    });
  });

  it('logs a refused delivery at the receiver with its code', async () => {
    await publishRaw(
      pair,
      'AZ',
      [
        {
          bytes: Buffer.from('not CMS at all'),
          properties: { messageId: 'garbage-log-1', type: 'mxg.envelope' },
        },
      ],
      'KZ',
    );
    const line = await eventually(
      () =>
        Promise.resolve(
          lines(pair.az.process.output()).find((l) =>
            l.msg.startsWith('refused envelope garbage-log-1'),
          ),
        ),
      20_000,
      'the refused envelope logged',
    );
    expect(line).toMatchObject({ level: 'warn', code: 'MALFORMED_ENVELOPE', messageId: null });
  });

  it('names the message by id on the receiver’s inbox read, and carries no personal data on any line', () => {
    const read = lines(pair.az.process.output()).find(
      (l) => l.reqId === 'az-read-0001' && l.msg === 'answered',
    );
    expect(read).toMatchObject({ route: `${API}/inbox/:id`, messageId: delivered });
    const found = [pair.kz, pair.az].flatMap((gateway) =>
      gateway.process
        .output()
        .split('\n')
        .flatMap((line, i) =>
          PERSONAL.filter((value) => line.includes(value)).map(
            (value) => `${gateway.party} log line ${i + 1}: ${value}`,
          ),
        ),
    );
    expect(found).toEqual([]);
  });

  it('writes human-readable lines, without colour codes off a terminal, with MXG_LOG_FORMAT=pretty', async () => {
    const instance = await pair.kz.spawnInstance({
      MXG_LOG_FORMAT: 'pretty',
      MXG_LOG_LEVEL: 'log',
    });
    try {
      await waitForHttp(instance, '/health/live');
      const output = await eventually(
        () =>
          Promise.resolve(/listening on/.test(instance.output()) ? instance.output() : undefined),
        10_000,
        'the pretty start-up line',
      );
      expect(output).not.toContain('\x1b[');
      const first = output.split('\n').find((l) => /listening on/.test(l))!;
      expect(() => JSON.parse(first) as unknown).toThrow();
      expect(first).toMatch(/INFO.*listening on/);
    } finally {
      await instance.stop();
    }
  }, 60_000);
});
