import { Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { AuthError } from '../auth/auth.errors';
import { createHttpApp } from './http-server';
import { JSON_MEDIA_TYPE } from './media-types';
import { BodyOf, type RequestBody } from './request-body.decorator';

const LIMIT = 1024;

@Controller('things')
class ThingsController {
  @Post()
  @HttpCode(202)
  take(@BodyOf([JSON_MEDIA_TYPE]) body: RequestBody) {
    return { bytes: Buffer.from(body.bytes).toString('utf8') };
  }

  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }

  @Get(':id/secret')
  secret(): never {
    throw new AuthError('AUTH_FORBIDDEN', 'this requires the role auditor');
  }

  @Get(':id/broken')
  broken(): never {
    throw new Error('something the gateway did not expect, with content');
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

/**
 * #16: the gateway's HTTP server on Fastify, without services: Fastify's `inject` sends the
 * requests. The e2e suites (http-layer, api-contract) hold the whole gateway to the same.
 */
describe(createHttpApp.name, () => {
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    sut = await createHttpApp(ThingsModule, { maxBodyBytes: LIMIT }, { logger: false });
    await sut.init();
    await sut.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => sut.close());

  const inject = (options: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
    url: string;
    headers?: Record<string, string>;
    payload?: string | Buffer;
  }) => sut.getHttpAdapter().getInstance().inject(options);
  const postJson = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });
  /** `{ code, message }`, nothing else, with `status`. */
  const refusal = (answer: { statusCode: number; body: string; headers: object }) => {
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      expect.arrayContaining(['code', 'detail', 'message', 'status', 'title', 'type']),
    );
    expect((answer.headers as Record<string, string>)['content-type']).toMatch(
      /^application\/problem\+json/,
    );
    return { status: answer.statusCode, code: body.code };
  };

  it('hands a handler the body’s bytes exactly as sent, duplicate keys and all', async () => {
    const text = '{"a":1, "a":2,"b":"\\u0041"}';
    const answer = await postJson(text);
    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({ bytes: text });
  });

  it('decodes a gzip body, and limits what it decodes to', async () => {
    const small = await postJson(gzipSync('{"a":1}'), { 'content-encoding': 'gzip' });
    expect(JSON.parse(small.body)).toEqual({ bytes: '{"a":1}' });
    const bomb = gzipSync(Buffer.alloc(LIMIT * 100, 0x20));
    expect(bomb.length).toBeLessThan(LIMIT);
    expect(refusal(await postJson(bomb, { 'content-encoding': 'gzip' }))).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it.each([
    ['over the limit', 'application/json', 'x'.repeat(LIMIT + 1), 413, 'PAYLOAD_TOO_LARGE'],
    ['of a media type the API does not take', 'text/plain', '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'in a charset other than UTF-8',
      'application/json; charset=latin1',
      '{}',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['whose Content-Type is no media type', 'json', '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses a body %s before the handler', async (_, type, payload, status, code) => {
    const answer = await postJson(payload, { 'content-type': type });
    expect(refusal(answer)).toEqual({ status, code });
  });

  it('refuses a body without a Content-Type (415), and a missing body at the handler (400)', async () => {
    const untyped = await inject({ method: 'POST', url: '/things', payload: Buffer.from('{}') });
    expect(refusal(untyped)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const empty = await inject({ method: 'POST', url: '/things' });
    expect(refusal(empty)).toEqual({ status: 400, code: 'MALFORMED_REQUEST' });
  });

  it('drains a refused body and keeps the connection: the next request on it is answered', async () => {
    await sut.listen(0, '127.0.0.1');
    const { port } = sut.getHttpServer().address() as { port: number };
    const answers = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if ((text.match(/HTTP\/1\.1 /g) ?? []).length === 2 && text.endsWith('"id":"7"}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error(`the connection closed; got ${text}`)));
      socket.setTimeout(5_000, () => reject(new Error(`no second answer; got ${text}`)));
      const body = 'x'.repeat(LIMIT + 1);
      socket.write(
        `POST /things HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body}` +
          `GET /things/7 HTTP/1.1\r\nHost: t\r\n\r\n`,
      );
    });
    expect(answers).toMatch(/^HTTP\/1\.1 413 /);
    expect(answers).not.toMatch(/connection: close/i);
    expect(answers).toMatch(/HTTP\/1\.1 200 [^]*"id":"7"}$/);
  });

  it('answers an unknown path 404, a known one in another method 405 with Allow', async () => {
    expect(refusal(await inject({ method: 'GET', url: '/nothing?x=1' }))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
    const put = await inject({ method: 'PUT', url: '/things/7' });
    expect(refusal(put)).toEqual({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect(put.headers.allow).toBe('GET, HEAD');
    const del = await inject({ method: 'DELETE', url: '/things/' });
    expect(del.headers.allow).toBe('POST');
  });

  it('routes as Express did: trailing slash, any case, long segments, bad escapes 400', async () => {
    expect(JSON.parse((await inject({ method: 'GET', url: '/Things/7/' })).body)).toEqual({
      id: '7',
    });
    const long = 'x'.repeat(5_000);
    expect(JSON.parse((await inject({ method: 'GET', url: `/things/${long}` })).body)).toEqual({
      id: long,
    });
    expect(refusal(await inject({ method: 'GET', url: '/things/%E0%A4%A' }))).toEqual({
      status: 400,
      code: 'MALFORMED_REQUEST',
    });
  });

  it('answers domain errors with their status, anything else 500 without its content', async () => {
    expect(refusal(await inject({ method: 'GET', url: '/things/7/secret' }))).toEqual({
      status: 403,
      code: 'AUTH_FORBIDDEN',
    });
    const broken = await inject({ method: 'GET', url: '/things/7/broken' });
    expect(refusal(broken)).toEqual({ status: 500, code: 'INTERNAL_ERROR' });
    expect(broken.body).not.toContain('content');
  });
});
