import { existsSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckedLines } from './entry-lines';
import type { EntryLineTask } from './entry-line-task';

const WORKER_FILE = join(__dirname, 'entry-line-worker.js');
/** Bytes of the file per task: large enough that a task's overhead is noise, small enough to spread. */
export const RANGE_BYTES = 1 << 20;

/**
 * Whether entry lines can be checked in worker threads here: only from the compiled library
 * (a worker runs JavaScript; under ts-jest the verifier checks them on its own thread).
 */
export function entryWorkersAvailable(): boolean {
  return __filename.endsWith('.js') && existsSync(WORKER_FILE);
}

/**
 * Has `workers` threads check the lines of a file (checkLines), yielding the results in file
 * order: the verifier's per-entry work spread over the cores while it keeps the order-dependent
 * checks to itself. A regular file is cut into byte ranges of `rangeBytes` that the workers read
 * themselves (readLineRange), so this thread handles no entry's bytes — only 32-byte leaf hashes
 * and the few other lines (#16); anything else (a pipe) is read here, sequentially, in chunks of
 * whole lines passed on.
 */
export async function* checkLinesInWorkers(
  path: string,
  workers: number,
  rangeBytes = RANGE_BYTES,
): AsyncGenerator<CheckedLines> {
  // Opened without blocking the event loop: a pipe's open waits for its writer.
  const file = await open(path, 'r');
  const pool = Array.from({ length: workers }, () => new Worker(WORKER_FILE));
  try {
    const stat = await file.stat();
    const tasks = stat.isFile() ? fileRanges(file.fd, stat.size, rangeBytes) : pipeChunks(file);
    yield* checkInOrder(pool, tasks);
  } finally {
    // Workers first: none may read the descriptor once it is closed (or reused).
    await Promise.all(pool.map((worker) => worker.terminate()));
    await file.close();
  }
}

type TaskBody =
  { fd: number; start: number; end: number } | { chunk: Uint8Array; transfer: ArrayBuffer };

function* fileRanges(fd: number, size: number, rangeBytes: number): Generator<TaskBody> {
  for (let start = 0; start < size; start += rangeBytes) {
    yield { fd, start, end: Math.min(size, start + rangeBytes) };
  }
}

async function* pipeChunks(file: FileHandle): AsyncGenerator<TaskBody> {
  let rest: Buffer = Buffer.alloc(0);
  const send = (lines: Buffer): TaskBody => {
    // A copy the worker can own: the transfer detaches it from this thread.
    const chunk = new Uint8Array(lines.length);
    chunk.set(lines);
    return { chunk, transfer: chunk.buffer };
  };
  const stream = file.createReadStream({ autoClose: false, highWaterMark: RANGE_BYTES });
  for await (const read of stream) {
    const data: Buffer =
      rest.length === 0 ? (read as Buffer) : Buffer.concat([rest, read as Buffer]);
    const end = data.lastIndexOf(10);
    if (end < 0) {
      rest = data;
      continue;
    }
    yield send(data.subarray(0, end + 1));
    rest = data.subarray(end + 1);
  }
  if (rest.length > 0) yield send(rest);
}

/** Hands out tasks round-robin, at most two per worker waiting, and yields results in order. */
async function* checkInOrder(
  pool: readonly Worker[],
  tasks: Iterable<TaskBody> | AsyncIterable<TaskBody>,
): AsyncGenerator<CheckedLines> {
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
  const take = async (): Promise<CheckedLines> => {
    const checked = await inFlight.shift()!;
    if (failure !== undefined) throw failure;
    return checked;
  };
  let id = 0;
  for await (const body of tasks) {
    if (failure !== undefined) throw failure;
    const task: EntryLineTask =
      'chunk' in body
        ? { id, firstLineOfFile: id === 0, chunk: body.chunk }
        : { id, firstLineOfFile: body.start === 0, fd: body.fd, start: body.start, end: body.end };
    inFlight.push(
      new Promise((resolve) => {
        waiting.set(task.id, resolve);
        pool[task.id % pool.length].postMessage(task, 'chunk' in body ? [body.transfer] : []);
      }),
    );
    id++;
    while (inFlight.length > 2 * pool.length) yield await take();
  }
  while (inFlight.length > 0) yield await take();
}
