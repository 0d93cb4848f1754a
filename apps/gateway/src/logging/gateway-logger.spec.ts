import { Writable } from 'node:stream';
import { GatewayLogger } from './gateway-logger';
import { requestLogContext } from './log-context';
import { logLine } from './log-fields';

describe(GatewayLogger.name, () => {
  function loggerWith(
    options: { level?: 'log' | 'warn' | 'debug'; format?: 'json' | 'auto' } = {},
  ) {
    const written: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const sut = new GatewayLogger({
      level: options.level ?? 'log',
      format: options.format ?? 'json',
      base: { gateway: 'kz', party: 'KZ' },
      destination: destination,
      isTty: false,
    });
    const lines = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { sut, lines };
  }

  it('writes one JSON object a line with level name, ISO time, gateway, party and context', () => {
    const { sut, lines } = loggerWith();
    sut.log('started', 'Gateway');
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'started',
      context: 'Gateway',
      gateway: 'kz',
      party: 'KZ',
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('keeps the fields of a LogFields message, and adds the request context of the request being handled', () => {
    const { sut, lines } = loggerWith();
    requestLogContext.run({ reqId: 'req-1' }, () =>
      sut.warn(logLine({ msg: 'refused', messageId: 'm-1', code: 'SIGNATURE_INVALID' }), 'Receive'),
    );
    sut.warn('outside any request', 'Receive');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'refused',
        reqId: 'req-1',
        messageId: 'm-1',
        code: 'SIGNATURE_INVALID',
        context: 'Receive',
      }),
      expect.not.objectContaining({ reqId: expect.anything() }),
    ]);
  });

  it('reads Nest’s (message, stack, context) for errors', () => {
    const { sut, lines } = loggerWith();
    sut.error('boom', 'Error: boom\n    at here', 'Api');
    expect(lines()[0]).toMatchObject({
      level: 'error',
      msg: 'boom',
      stack: 'Error: boom\n    at here',
      context: 'Api',
    });
  });

  it('writes nothing below its level', () => {
    const { sut, lines } = loggerWith({ level: 'warn' });
    sut.log('not this', 'X');
    sut.debug('nor this', 'X');
    sut.warn('this', 'X');
    expect(lines().map((l) => l.msg)).toEqual(['this']);
  });
});
