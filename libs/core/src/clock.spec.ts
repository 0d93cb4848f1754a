import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OffsetClock } from './clock';

describe(OffsetClock.name, () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mxg-clock-'));
    file = join(dir, 'offset');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lag = (sut: OffsetClock) => sut.now().getTime() - Date.now();

  it('runs with the system clock while the file is absent', () => {
    const sut = new OffsetClock(file);
    expect(Math.abs(lag(sut))).toBeLessThan(1000);
  });

  it('moves by the offset in the file, and again each time the file changes', () => {
    const sut = new OffsetClock(file);
    writeFileSync(file, String(3_600_000));
    expect(lag(sut)).toBeGreaterThanOrEqual(3_600_000 - 1000);
    expect(lag(sut)).toBeLessThan(3_600_000 + 1000);
    writeFileSync(file, '-86400000\n');
    expect(lag(sut)).toBeLessThan(-86_400_000 + 1000);
    rmSync(file);
    expect(Math.abs(lag(sut))).toBeLessThan(1000);
  });

  it('refuses an offset that is not whole milliseconds', () => {
    writeFileSync(file, '1.5 hours');
    expect(() => new OffsetClock(file).now()).toThrow(/whole milliseconds/);
  });
});
