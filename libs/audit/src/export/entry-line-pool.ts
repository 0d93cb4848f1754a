import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckedLines } from './entry-lines';

const WORKER_FILE = join(__dirname, 'entry-line-worker.js');
const CHUNK_BYTES = 1 << 20;

/**
 * Whether entry lines can be checked in worker threads here: only from the compiled library
 * (a worker runs JavaScript; under ts-jest the verifier checks them on its own thread).
 */
export function entryWorkersAvailable(): boolean {
  return __filename.endsWith('.js') && existsSync(WORKER_FILE);
}

/**
 * Reads a file in chunks of whole lines and has `workers` threads check them (checkLines),
 * yielding the results in file order: the verifier's per-entry work spread over the cores while
 * it keeps the order-dependent checks to itself.
 */
export async function* checkLinesInWorkers(
  path: string,
  workers: number,
): AsyncGenerator<CheckedLines> {
  const pool = Array.from({ length: workers }, () => new Worker(WORKER_FILE));
  const waiting = new Map<number, (checked: CheckedLines) => void>();
  let failure: Error | undefined;
  for (const worker of pool) {
    worker.on('message', (m: { id: number; checked: CheckedLines }) => {
      waiting.get(m.id)?.(m.checked);
      waiting.delete(m.id);
    });
    worker.on('error', (error: Error) => {
      failure = error;
      for (const resolve of waiting.values()) resolve(undefined as unknown as CheckedLines);
    });
  }
  const inFlight: Promise<CheckedLines>[] = [];
  let next = 0;
  const send = (chunk: Buffer) => {
    const id = next++;
    // A copy it can own: the transfer detaches it from this thread.
    const owned = new Uint8Array(chunk.length);
    owned.set(chunk);
    inFlight.push(
      new Promise((resolve) => {
        waiting.set(id, resolve);
        pool[id % workers].postMessage({ id, chunk: owned }, [owned.buffer]);
      }),
    );
  };
  const take = async (): Promise<CheckedLines> => {
    const checked = await inFlight.shift()!;
    if (failure !== undefined) throw failure;
    return checked;
  };
  try {
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      const data: Buffer =
        rest.length === 0 ? (chunk as Buffer) : Buffer.concat([rest, chunk as Buffer]);
      const end = data.lastIndexOf(10);
      if (end < 0) {
        rest = data;
        continue;
      }
      send(data.subarray(0, end + 1));
      rest = data.subarray(end + 1);
      while (inFlight.length > 2 * workers) yield await take();
    }
    if (rest.length > 0) send(rest);
    while (inFlight.length > 0) yield await take();
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
}
