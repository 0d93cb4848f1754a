import type { ChannelModel } from 'amqplib';
import { Writable } from 'node:stream';

const COALESCED = Symbol('mxg.coalescedWrites');

/**
 * Makes every write made to `stream` in one turn of the event loop leave in one socket write
 * (#16): the first write of a turn corks the stream, and the stream is uncorked on the next
 * tick, so what was written meanwhile goes out together (`writev`; over TLS, one record
 * sequence and one write) — as node:http does for a response's head and body.
 *
 * amqplib writes each frame on its own: a publish is its method and header frames, then its
 * body frame; an ack is a frame. Its multiplexer hands the channels' frames to the socket in
 * one synchronous loop, so a relay batch of publishes, or the acks of one group commit, became
 * one `write` system call per frame. Corked, they are one per turn. Nothing is reordered,
 * delayed past the current turn or dropped: `write` still returns false past the stream's
 * high-water mark (amqplib then waits for 'drain'), and a stream that ends or is destroyed
 * meanwhile fails the writes as it would have.
 *
 * Applied once per stream; applying it again changes nothing.
 */
export function coalesceWrites(stream: Writable): void {
  const marked = stream as Writable & { [COALESCED]?: true };
  if (marked[COALESCED]) return;
  marked[COALESCED] = true;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = ((...args: unknown[]): boolean => {
    if (!corked && !stream.destroyed) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}

/**
 * The socket under an amqplib connection (`ChannelModel.connection.stream`: amqplib's, not in
 * its typings; the pinned version's, checked at run time).
 */
export function socketOf(connection: ChannelModel): Writable | undefined {
  const stream = (connection.connection as unknown as { stream?: unknown } | undefined)?.stream;
  return stream instanceof Writable ? stream : undefined;
}
