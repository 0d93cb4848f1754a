import { once } from 'node:events';
import { Duplex, Writable } from 'node:stream';
import type { ChannelModel } from 'amqplib';
import { coalesceWrites, socketOf } from './coalesced-writes';

/** A stream that records each write it performs, as a socket makes one system call per write. */
class RecordingStream extends Writable {
  readonly writes: string[][] = [];

  constructor(highWaterMark = 16 * 1024) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.writes.push([chunk.toString()]);
    done();
  }

  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    this.writes.push(chunks.map((c) => c.chunk.toString()));
    done();
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe(coalesceWrites.name, () => {
  it('#16: the writes of one turn leave as one write, in order', async () => {
    const sut = new RecordingStream();
    coalesceWrites(sut);
    for (const frame of ['method', 'header', 'body', 'ack']) sut.write(frame);
    expect(sut.writes).toEqual([]); // nothing before the turn ends
    await nextTurn();
    expect(sut.writes).toEqual([['method', 'header', 'body', 'ack']]);
  });

  it('writes of different turns are not held for one another', async () => {
    const sut = new RecordingStream();
    coalesceWrites(sut);
    sut.write('first');
    await nextTurn();
    expect(sut.writes).toEqual([['first']]);
    sut.write('second');
    sut.write('third');
    await nextTurn();
    expect(sut.writes).toEqual([['first'], ['second', 'third']]);
  });

  it('keeps back-pressure: past the high-water mark write says false, and drain follows', async () => {
    const sut = new RecordingStream(8);
    coalesceWrites(sut);
    expect(sut.write('1234')).toBe(true);
    expect(sut.write('56789')).toBe(false);
    await once(sut, 'drain');
    expect(sut.writes).toEqual([['1234', '56789']]);
  });

  it('calls each write callback once its bytes are written', async () => {
    const sut = new RecordingStream();
    coalesceWrites(sut);
    const written: string[] = [];
    sut.write('a', () => written.push('a'));
    sut.write('b', () => written.push('b'));
    expect(written).toEqual([]);
    await nextTurn();
    expect(written).toEqual(['a', 'b']);
  });

  it('fails writes to a destroyed stream as before, and leaves it uncorked', async () => {
    const sut = new RecordingStream();
    coalesceWrites(sut);
    sut.destroy();
    const failed = new Promise<Error | null | undefined>((resolve) => sut.write('late', resolve));
    await expect(failed).resolves.toMatchObject({ code: 'ERR_STREAM_DESTROYED' });
    expect(sut.writableCorked).toBe(0);
    expect(sut.writes).toEqual([]);
  });

  it('applied twice, corks once', async () => {
    const sut = new RecordingStream();
    coalesceWrites(sut);
    coalesceWrites(sut);
    sut.write('x');
    expect(sut.writableCorked).toBe(1);
    await nextTurn();
    expect(sut.writableCorked).toBe(0);
    expect(sut.writes).toEqual([['x']]);
  });
});

describe(socketOf.name, () => {
  it("finds amqplib's socket, and nothing where there is none", () => {
    const socket = new Duplex();
    expect(socketOf({ connection: { stream: socket } } as unknown as ChannelModel)).toBe(socket);
    expect(socketOf({ connection: {} } as unknown as ChannelModel)).toBeUndefined();
    expect(socketOf({} as unknown as ChannelModel)).toBeUndefined();
  });
});
