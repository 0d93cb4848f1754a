import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import {
  createExchangePair,
  registrationRequest,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { sql } from './support/faults';
import { expectProblemResponse } from './support/problem';

/**
 * #16: the gateway's HTTP layer moved from Express to Fastify. What a client could notice of
 * that is held here to what it was: body limits, content codings and types, URLs Fastify reads
 * differently, the one error shape for refusals made before any route, and /docs.
 */

const LIMIT = 65_536;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `head` and `body` on a fresh connection and nothing more (the rest of the body, if the
 * head promised more, is never sent), and returns the first answer — or fails after `ms`, which
 * is what a server that waited for the whole body would make it do.
 */
function rawExchange(port: number, head: string, body: Buffer, ms = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${ms} ms (the server waited for the body?)`));
    }, ms);
    const finish = (answer: RawAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const parse = (): RawAnswer | undefined => {
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return undefined;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [
          l.slice(0, l.indexOf(':')).toLowerCase(),
          l.slice(l.indexOf(':') + 1).trim(),
        ]),
      );
      const length = Number(headers['content-length'] ?? 0);
      if (received.length < end + 4 + length) return undefined;
      return {
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: received.subarray(end + 4, end + 4 + length).toString('utf8'),
      };
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parse();
      if (answer) finish(answer);
    });
    socket.on('error', () => {
      // A reset after the answer was read is the server closing, as it should.
      const answer = parse();
      if (answer) finish(answer);
    });
    socket.on('close', () => {
      const answer = parse();
      if (answer) finish(answer);
      else {
        clearTimeout(timer);
        reject(new Error('the connection closed without an answer'));
      }
    });
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

describe('the HTTP layer on Fastify (#16): what a client sees is what Express answered', () => {
  let pair: ExchangePair;
  let kz: GatewayUnderTest;

  beforeAll(async () => {
    pair = await createExchangePair({
      exchange: { maxMessageBytes: LIMIT },
      start: { az: false },
    });
    kz = pair.kz;
  }, 90_000);
  afterAll(() => pair?.close());

  const url = (path: string) => `http://127.0.0.1:${kz.port}${path}`;
  const publisher = () => ({ authorization: `Bearer ${kz.token('KZ-MVD')}` });
  const stored = async () =>
    (
      await sql<{ n: number }>(
        kz.db,
        `SELECT count(*)::int AS n FROM mxg.messages WHERE direction = 'outgoing'`,
      )
    )[0].n;
  const post = (body: string | Uint8Array, headers: Record<string, string>) =>
    fetch(url('/v1/messages'), { method: 'POST', headers: { ...publisher(), ...headers }, body });
  /** The one error shape: an RFC 9457 problem, and nothing else. */
  const expectRefusal = (response: Response, status: number, code: string) =>
    expectProblemResponse(response, { status, code });

  describe('a body over the limit is refused (413) before it is read whole', () => {
    it('by its Content-Length: answered with only 100 of its bytes sent', async () => {
      const before = await stored();
      const answer = await rawExchange(
        kz.port,
        `POST /messages HTTP/1.1\r\nHost: kz\r\nAuthorization: Bearer ${kz.token('KZ-MVD')}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${LIMIT * 1000}\r\n\r\n`,
        Buffer.alloc(100, 0x20),
      );
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      // Answered at once; the rest is drained, so the connection is kept (body-parser did so).
      expect(answer.headers.connection).toBe('keep-alive');
      expect(await stored()).toBe(before);
    });

    it('chunked: answered as soon as the bytes read pass the limit, the last chunk never sent', async () => {
      const chunk = Buffer.alloc(16_384, 0x20);
      const chunks = Array.from({ length: LIMIT / chunk.length + 1 }, () =>
        Buffer.concat([
          Buffer.from(`${chunk.length.toString(16)}\r\n`),
          chunk,
          Buffer.from('\r\n'),
        ]),
      );
      const answer = await rawExchange(
        kz.port,
        `POST /messages HTTP/1.1\r\nHost: kz\r\nAuthorization: Bearer ${kz.token('KZ-MVD')}\r\n` +
          `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        Buffer.concat(chunks),
      );
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('a body of exactly the limit is read (and refused only for what it holds)', async () => {
      const text = JSON.stringify(registrationRequest());
      const padded = text + ' '.repeat(LIMIT - Buffer.byteLength(text));
      expect((await post(padded, { 'content-type': 'application/json' })).status).toBe(202);
      const over = padded + ' ';
      await expectRefusal(
        await post(over, { 'content-type': 'application/json' }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });
  });

  describe('content codings, as body-parser undid them', () => {
    it('accepts a gzip or brotli JSON submission, decoded before it is read', async () => {
      const text = JSON.stringify(registrationRequest());
      for (const [coding, bytes] of [
        ['gzip', gzipSync(text)],
        ['br', brotliCompressSync(text)],
      ] as const) {
        const response = await post(bytes, {
          'content-type': 'application/json',
          'content-encoding': coding,
        });
        expect({ coding, status: response.status }).toEqual({ coding, status: 202 });
      }
    });

    it('refuses a body that decodes past the limit with 413, a small gzip notwithstanding', async () => {
      const bomb = gzipSync(Buffer.alloc(LIMIT * 64, 0x20));
      expect(bomb.length).toBeLessThan(LIMIT);
      const before = await stored();
      await expectRefusal(
        await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expect(await stored()).toBe(before);
    });

    it('refuses a coding it cannot undo (415) and a corrupt gzip (400), in the one shape', async () => {
      const text = JSON.stringify(registrationRequest());
      await expectRefusal(
        await post(text, { 'content-type': 'application/json', 'content-encoding': 'compress' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      await expectRefusal(
        await post(Buffer.from('not gzip at all'), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
        400,
        'MALFORMED_REQUEST',
      );
    });
  });

  describe('refusals made before any route, in the one shape', () => {
    it('malformed JSON is 400 MALFORMED_JSON, nothing stored', async () => {
      const before = await stored();
      await expectRefusal(
        await post('{"agreement":', { 'content-type': 'application/json' }),
        400,
        'MALFORMED_JSON',
      );
      expect(await stored()).toBe(before);
    });

    it('a Content-Type that is not a media type at all is 415', async () => {
      const text = JSON.stringify(registrationRequest());
      await expectRefusal(
        await post(text, { 'content-type': 'json' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('a path that is not valid percent-encoding is 400 MALFORMED_REQUEST', async () => {
      for (const path of ['/v1/messages/%E0%A4%A', '/no-such-route/%ZZ']) {
        await expectRefusal(
          await fetch(url(path), { headers: publisher() }),
          400,
          'MALFORMED_REQUEST',
        );
      }
    });

    it('a request without a token is 401 with WWW-Authenticate, before its body is looked at', async () => {
      const response = await fetch(url('/v1/messages'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(registrationRequest()),
      });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="mxg"');
      await expectRefusal(response, 401, 'AUTH_UNAUTHENTICATED');
    });
  });

  describe('routing as Express did it', () => {
    it('ignores a trailing slash and the case of a path', async () => {
      const response = await post(JSON.stringify(registrationRequest()), {
        'content-type': 'application/json',
      });
      const { id } = (await response.json()) as { id: string };
      for (const path of [`/v1/messages/${id}/`, `/V1/MESSAGES/${id}`]) {
        const read = await fetch(url(path), { headers: publisher() });
        expect({ path, status: read.status }).toEqual({ path, status: 200 });
      }
    });

    it('reads a path segment of any length: a long non-UUID id is 400, not 404', async () => {
      const response = await fetch(url(`/v1/messages/${'x'.repeat(2_000)}`), {
        headers: publisher(),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    });

    it('answers HEAD on every GET route, without a body', async () => {
      const response = await fetch(url(`/v1/messages/${randomUUID()}`), {
        method: 'HEAD',
        headers: publisher(),
      });
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('');
    });
  });

  it('serves the OpenAPI document and its UI at /docs, assets included', async () => {
    const html = await fetch(url('/docs'));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('swagger-ui');
    const css = await fetch(url('/docs/swagger-ui.css'));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const document = (await (await fetch(url('/docs-json'))).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/messages', '/health']),
    );
  });
});
