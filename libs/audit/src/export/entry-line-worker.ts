import { parentPort } from 'node:worker_threads';
import { checkLines } from './entry-lines';
import type { EntryLineTask } from './entry-line-task';
import { readLineRange } from './read-line-range';

/**
 * A worker of checkLinesInWorkers: checks the lines of each task — the lines starting in its byte
 * range of the open file, read here, or a chunk the main thread read from a pipe — and sends back
 * what it found (no line text for good entries: a seq and a 32-byte leaf hash each).
 */
parentPort?.on('message', (task: EntryLineTask) => {
  const lines = 'chunk' in task ? task.chunk : readLineRange(task.fd, task.start, task.end);
  const checked = checkLines(lines, task.firstLineOfFile);
  parentPort?.postMessage({ id: task.id, checked }, [
    checked.kinds.buffer as ArrayBuffer,
    checked.seqs.buffer as ArrayBuffer,
    checked.hashes.buffer as ArrayBuffer,
  ]);
});
