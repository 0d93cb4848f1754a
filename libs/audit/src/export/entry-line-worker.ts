import { parentPort } from 'node:worker_threads';
import { checkLines } from './entry-lines';

/** A worker of EntryLinePool: checks each chunk it is sent and sends the result back. */
parentPort?.on('message', (message: { id: number; chunk: Uint8Array }) => {
  const checked = checkLines(message.chunk, message.id === 0);
  parentPort?.postMessage({ id: message.id, checked }, [
    checked.kinds.buffer as ArrayBuffer,
    checked.seqs.buffer as ArrayBuffer,
    checked.hashes.buffer as ArrayBuffer,
  ]);
});
