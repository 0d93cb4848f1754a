import { readSync } from 'node:fs';

const TAIL_READ_BYTES = 64 * 1024;

/**
 * The whole lines that start in bytes [start, end) of the file open at `fd`, as one buffer: a line
 * belongs to the range its first byte is in, so ranges that tile a file hand out every line once,
 * in order, whatever the boundaries cut. The last line is read past `end` to its '\n' (or the end
 * of the file). Positional reads only (pread): threads of one process each read their own range of
 * the same open file, without the main thread reading and passing on its bytes.
 */
export function readLineRange(fd: number, start: number, end: number): Buffer {
  // The byte before `start` says whether a line starts at `start`, so read from there; and read on
  // past `end` in the same call, where the last line most likely ends.
  const from = start === 0 ? 0 : start - 1;
  const head = readAt(fd, from, end - from + TAIL_READ_BYTES);
  const inRange = Math.min(head.length, end - from);
  let first = 0;
  if (start > 0) {
    const newline = head.indexOf(10);
    // A '\n' at the range's last byte starts the next range's first line (or ends the file).
    if (newline < 0 || newline >= inRange - 1) return head.subarray(0, 0);
    first = newline + 1;
  }
  if (inRange === 0 || head[inRange - 1] === 10) return head.subarray(first, inRange);
  const lastEnd = head.indexOf(10, inRange);
  if (lastEnd >= 0) return head.subarray(first, lastEnd + 1);
  if (head.length < end - from + TAIL_READ_BYTES) return head.subarray(first);
  // A line longer than the read-ahead: read on to its end.
  const parts = [head.subarray(first)];
  for (let at = from + head.length; ;) {
    const piece = readAt(fd, at, TAIL_READ_BYTES);
    const newline = piece.indexOf(10);
    if (newline >= 0) {
      parts.push(piece.subarray(0, newline + 1));
      break;
    }
    if (piece.length === 0) break;
    parts.push(piece);
    at += piece.length;
  }
  return Buffer.concat(parts);
}

/** Up to `length` bytes at `position`: fewer only at the end of the file. */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, buffer, filled, length - filled, position + filled);
    if (read === 0) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}
