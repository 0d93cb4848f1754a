import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLineRange } from './read-line-range';

describe(readLineRange.name, () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'mxg-line-range-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The ranges of `size` bytes that tile the file, read one by one. */
  function readInRanges(content: Buffer, size: number): Buffer[] {
    const path = join(dir, 'lines');
    writeFileSync(path, content);
    const fd = openSync(path, 'r');
    try {
      const ranges: Buffer[] = [];
      for (let start = 0; start < content.length; start += size) {
        ranges.push(readLineRange(fd, start, Math.min(content.length, start + size)));
      }
      return ranges;
    } finally {
      closeSync(fd);
    }
  }

  // Short lines, empty lines, non-ASCII, a line longer than the read-ahead, with and without
  // a last '\n': whatever the ranges cut, each line comes whole from the range it starts in.
  const long = 'x'.repeat(70 * 1024);
  const files = {
    'ending with a newline': `{"a":1}\n\nab\n€ü\n${long}\nlast\n`,
    'ending without one': `first\n\n\nb\n${long}\nno newline`,
    'one line': 'one line',
    'newlines only': '\n\n\n',
  };

  it.each(Object.entries(files))(
    'hands out every line once, whole and in order, for any range size (%s)',
    (_, text) => {
      const content = Buffer.from(text, 'utf8');
      for (const size of [1, 2, 3, 5, 7, 8, 64, 1000, 65 * 1024, content.length]) {
        const ranges = readInRanges(content, size);
        expect(Buffer.concat(ranges)).toEqual(content);
        const handed = ranges.filter((range) => range.length > 0);
        for (const range of handed.slice(0, -1)) expect(range[range.length - 1]).toBe(10);
      }
    },
  );

  it('gives a range no line starts in nothing', () => {
    const content = Buffer.from(`${'y'.repeat(100)}\nz\n`);
    const ranges = readInRanges(content, 10);
    expect(ranges[0].toString()).toBe(`${'y'.repeat(100)}\n`);
    expect(ranges.slice(1, 10).every((r) => r.length === 0)).toBe(true);
    expect(ranges[10].toString()).toBe('z\n');
  });
});
