import {
  createExchangePair,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { encodeCursor } from '../apps/gateway/src/api/cursor';
import { expectProblemResponse, type Problem } from './support/problem';

/**
 * Issue #17's done-when: every route of the running gateway, read from its own OpenAPI document
 * (so a controller added later is covered without touching this file), is sent bad requests — no
 * token, a wrong token, malformed path parameters, a malformed limit, a body that is not JSON, a
 * body of a media type no call takes — by every kind of client, and every refusal is the one
 * error shape: an RFC 9457 problem whose status is its code's in API_ERROR_STATUS.
 */

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; required?: boolean }[];
  guarded: boolean;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

const CLIENTS = ['KZ-MVD', 'auditor', 'security-officer'] as const;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** A request's answer, for the report when it is not a problem. */
type Sent = { what: string; response: Response };

describe('one error shape on every route (issue #17)', () => {
  let pair: ExchangePair;
  let kz: GatewayUnderTest;
  let operations: Operation[];

  beforeAll(async () => {
    pair = await createExchangePair({ start: { az: false } });
    kz = pair.kz;
    const response = await fetch(url('/docs-json'));
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Operation['parameters'];
            security?: Record<string, unknown>[];
            responses: Operation['responses'];
          }
        >
      >;
    };
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          guarded: (op.security ?? []).some((s) => 'bearer' in s),
          responses: op.responses,
        })),
    );
  }, 90_000);
  afterAll(() => pair?.close());

  const url = (path: string) => `http://127.0.0.1:${kz.port}${path}`;
  /** The operation's path with every path parameter given `value`. */
  const pathWith = (op: Operation, value: string) =>
    op.path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
  const send = async (
    what: string,
    op: Operation,
    init: { path?: string; token?: string; body?: string; type?: string } = {},
  ): Promise<Sent> => ({
    what: `${op.method} ${op.path}: ${what}`,
    response: await fetch(url(init.path ?? pathWith(op, '00000000-0000-4000-8000-000000000000')), {
      method: op.method,
      headers: {
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        ...(init.type === undefined ? {} : { 'content-type': init.type }),
      },
      body: init.body,
    }),
  });
  /** Every answer that is a refusal is a problem; returns the problems. */
  const problemsOf = async (sent: Sent[]): Promise<(Problem & { what: string })[]> => {
    const problems: (Problem & { what: string })[] = [];
    for (const { what, response } of sent) {
      if (response.status < 400) {
        await response.arrayBuffer();
        continue;
      }
      try {
        problems.push({ ...(await expectProblemResponse(response, undefined, HEALTH)), what });
      } catch (error) {
        throw new Error(`${what}: ${(error as Error).message}`);
      }
    }
    return problems;
  };
  /** Health's 503 keeps terminus' report beside the problem's members. */
  const HEALTH = ['info', 'error', 'details', 'gateway', 'party', 'trust', 'links'];

  it('reads the routes from /docs-json: every controller of the API is there', () => {
    const paths = new Set(operations.map((o) => o.path));
    for (const path of [
      '/v1/messages',
      '/v1/messages/{id}',
      '/v1/inbox',
      '/v1/inbox/{id}/ack',
      '/v1/requests',
      '/v1/audit/entries',
      '/v1/audit/witness',
      '/v1/schemas/{type}',
      '/v1/problems/{code}',
      '/health',
    ]) {
      expect({ path, documented: paths.has(path) }).toEqual({ path, documented: true });
    }
    expect(operations.length).toBeGreaterThan(30);
  });

  it('documents every operation’s refusals as the Problem schema, and bearer security wherever a token is asked', async () => {
    for (const op of operations) {
      for (const range of ['4XX', '5XX']) {
        expect({
          op: `${op.method} ${op.path}`,
          range,
          schema: op.responses[range]?.content,
        }).toEqual({
          op: `${op.method} ${op.path}`,
          range,
          schema: {
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          },
        });
      }
    }
    // An operation that does not declare the bearer scheme does not ask for a token either.
    for (const op of operations.filter((o) => !o.guarded)) {
      const { response } = await send('no token', op);
      const body = response.status >= 400 ? await expectProblemResponse(response) : undefined;
      if (body === undefined) await response.arrayBuffer();
      expect({ op: `${op.method} ${op.path}`, code: body?.code }).not.toEqual({
        op: `${op.method} ${op.path}`,
        code: 'AUTH_UNAUTHENTICATED',
      });
    }
  });

  it('documents every operation’s answer: a 2xx response with a schema for its media type', () => {
    const undocumented = operations
      .filter((op) =>
        Object.entries(op.responses).every(
          ([status, response]) =>
            !/^2\d\d$/.test(status) ||
            Object.values(response.content ?? {}).every((media) => media.schema === undefined),
        ),
      )
      .map((op) => `${op.method} ${op.path}`);
    expect(undocumented).toEqual([]);
  });

  it('refuses a guarded route without a token and with a wrong one: 401 AUTH_UNAUTHENTICATED', async () => {
    const guarded = operations.filter((o) => o.guarded);
    expect(guarded.length).toBeGreaterThan(20);
    for (const op of guarded) {
      for (const [what, token] of [
        ['no token', undefined],
        ['a wrong token', 'not-a-token-of-this-gateway'],
      ] as const) {
        const { response } = await send(what, op, token === undefined ? {} : { token });
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="mxg"');
        const problem = await expectProblemResponse(response, {
          status: 401,
          code: 'AUTH_UNAUTHENTICATED',
        });
        expect(problem.instance).toBe(pathWith(op, '00000000-0000-4000-8000-000000000000'));
      }
    }
  });

  it('answers malformed path parameters with a problem, whoever asks', async () => {
    const sent: Sent[] = [];
    for (const op of operations.filter((o) => o.path.includes('{'))) {
      for (const value of ['not-a-uuid', '..', 'x'.repeat(300)]) {
        for (const client of CLIENTS) {
          sent.push(
            await send(`${value.slice(0, 12)} as ${client}`, op, {
              path: pathWith(op, value),
              token: kz.token(client),
            }),
          );
        }
      }
    }
    const problems = await problemsOf(sent);
    // Every client is refused somewhere: by its role, or by what it sent.
    expect(problems.length).toBeGreaterThan(sent.length / 2);
    expect(problems.map((p) => p.status).filter((s) => s >= 500)).toEqual([]);
    // A malformed id is a 400 to a client that may call the route, never a 500 or a 404 of it.
    expect(problems.filter((p) => p.code === 'VALIDATION_FAILED').length).toBeGreaterThan(10);
  });

  it('answers a malformed limit on every list with 400 VALIDATION_FAILED or a problem of its own', async () => {
    const lists = operations.filter(
      (o) => o.method === 'GET' && o.parameters.some((p) => p.in === 'query' && p.name === 'limit'),
    );
    expect(lists.length).toBeGreaterThan(3);
    for (const op of lists) {
      const sent: Sent[] = [];
      for (const client of CLIENTS) {
        for (const limit of ['-1', 'many', '1e9']) {
          sent.push(
            await send(`limit=${limit} as ${client}`, op, {
              path: `${pathWith(op, '00000000-0000-4000-8000-000000000000')}?limit=${limit}`,
              token: kz.token(client),
            }),
          );
        }
      }
      const problems = await problemsOf(sent);
      expect({ op: op.path, refused: problems.length }).toEqual({ op: op.path, refused: 9 });
      expect(problems.filter((p) => p.status === 400).length).toBeGreaterThan(0);
    }
  });

  it('pages every list the same way: a list that takes a limit takes a cursor, and refuses one it did not give out with 400 CURSOR_INVALID', async () => {
    const lists = operations.filter(
      (o) => o.method === 'GET' && o.parameters.some((p) => p.in === 'query' && p.name === 'limit'),
    );
    expect(lists.length).toBeGreaterThan(8);
    /** What a list asks for besides its page: a value it accepts. */
    const REQUIRED: Record<string, string> = { party: 'KZ', authority: 'KZ-MVD' };
    const foreign = encodeCursor('no-such-list', [1]);
    for (const op of lists) {
      const query = op.parameters.filter((p) => p.in === 'query');
      expect({ op: op.path, cursor: query.some((p) => p.name === 'cursor') }).toEqual({
        op: op.path,
        cursor: true,
      });
      const required = query
        .filter((p) => p.required)
        .map((p) => `${p.name}=${REQUIRED[p.name]}&`)
        .join('');
      const sent: Sent[] = [];
      for (const client of CLIENTS) {
        for (const cursor of [foreign, 'not-a-cursor!']) {
          sent.push(
            await send(`cursor=${cursor.slice(0, 12)} as ${client}`, op, {
              path: `${pathWith(op, '00000000-0000-4000-8000-000000000000')}?${required}cursor=${encodeURIComponent(cursor)}`,
              token: kz.token(client),
            }),
          );
        }
      }
      const problems = await problemsOf(sent);
      // Refused by role (403), or told the cursor is not one of this list's: nothing else.
      const codes = problems.map((p) => p.code);
      expect({ op: op.path, refused: problems.length, codes: new Set(codes) }).toEqual({
        op: op.path,
        refused: 6,
        codes: new Set(
          codes.includes('AUTH_FORBIDDEN')
            ? ['CURSOR_INVALID', 'AUTH_FORBIDDEN']
            : ['CURSOR_INVALID'],
        ),
      });
    }
  });

  it('answers a body that is not JSON, or of a media type no call takes, with a problem', async () => {
    const taking = operations.filter((o) => ['POST', 'PUT', 'PATCH'].includes(o.method));
    expect(taking.length).toBeGreaterThan(5);
    for (const op of taking) {
      const sent: Sent[] = [];
      for (const client of CLIENTS) {
        const token = kz.token(client);
        sent.push(
          await send(`'{' as ${client}`, op, { token, body: '{', type: 'application/json' }),
        );
        sent.push(await send(`text as ${client}`, op, { token, body: 'x', type: 'text/plain' }));
      }
      // Peers' witness calls need no token: sent without one too.
      sent.push(await send(`'{' unauthenticated`, op, { body: '{"a":', type: 'application/json' }));
      const problems = await problemsOf(sent);
      expect({ op: op.path, refused: problems.length }).toEqual({ op: op.path, refused: 7 });
      // A client past the guard is told what is wrong with the body itself.
      const codes = new Set(problems.map((p) => p.code));
      expect({ op: op.path, bodyRefused: codes.has('UNSUPPORTED_MEDIA_TYPE') }).toEqual({
        op: op.path,
        bodyRefused: true,
      });
    }
  });

  it('answers a malformed witness request with 400, and a wrong method or path in the same shape', async () => {
    const witness = await fetch(url('/v1/audit/witness'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"note":"x","oldSize":-1,"consistency":[],"certificate":""}',
    });
    await expectProblemResponse(witness, { status: 400, code: 'AUDIT_WITNESS_REQUEST_INVALID' });
    const malformed = await fetch(url('/v1/audit/witness'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"note":',
    });
    await expectProblemResponse(malformed, { status: 400, code: 'MALFORMED_JSON' });
    await expectProblemResponse(await fetch(url('/v1/no-such-route')), {
      status: 404,
      code: 'NOT_FOUND',
    });
    await expectProblemResponse(await fetch(url('/v1/messages'), { method: 'PATCH' }), {
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
    });
  });

  it('serves the problem type each `type` names', async () => {
    const answer = await fetch(url('/v1/problems/AUTH_UNAUTHENTICATED'));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      type: '/v1/problems/AUTH_UNAUTHENTICATED',
      code: 'AUTH_UNAUTHENTICATED',
      title: 'Auth unauthenticated',
      status: 401,
    });
    await expectProblemResponse(await fetch(url('/v1/problems/NO_SUCH_CODE')), {
      status: 404,
      code: 'NOT_FOUND',
    });
  });
});
