import { createReadStream } from 'node:fs';

/**
 * The lines of a file in batches, split by hand on '\n': readline costs more per line than
 * hashing does, and the verifier reads a million of them.
 */
export async function* readLineBatches(path: string): AsyncGenerator<string[]> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const data: Buffer =
      rest.length === 0 ? (chunk as Buffer) : Buffer.concat([rest, chunk as Buffer]);
    const lines: string[] = [];
    let start = 0;
    for (let end = data.indexOf(10, start); end >= 0; end = data.indexOf(10, start)) {
      lines.push(data.toString('utf8', start, end));
      start = end + 1;
    }
    rest = data.subarray(start);
    if (lines.length > 0) yield lines;
  }
  if (rest.length > 0) yield [rest.toString('utf8')];
}
