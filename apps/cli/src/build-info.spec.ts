import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInfo, versionLine } from './build-info';

describe(buildInfo.name, () => {
  let root: string;
  const from = () => join(root, 'dist', 'apps', 'cli', 'src');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mxg-build-info-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'mxg', version: '1.2.3' }));
    mkdirSync(from(), { recursive: true });
    // A workspace's own package.json on the way up is not the product's.
    writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ name: '@mxg/cli' }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the version of the package named mxg and the commit the build recorded', () => {
    writeFileSync(
      join(root, 'dist', 'build-info.json'),
      JSON.stringify({ commit: 'a'.repeat(40), modified: true }),
    );
    const sut = buildInfo(from());
    expect(sut).toEqual({
      name: 'mxg',
      version: '1.2.3',
      commit: 'a'.repeat(40),
      modified: true,
      node: process.version,
    });
    expect(versionLine(sut)).toBe(
      `mxg 1.2.3 (commit aaaaaaaaaaaa with uncommitted changes; node ${process.version})`,
    );
  });

  it('says the commit is unknown rather than guess, when the build recorded none', () => {
    const sut = buildInfo(from());
    expect(sut.commit).toBeNull();
    expect(versionLine(sut)).toBe(`mxg 1.2.3 (commit unknown; node ${process.version})`);
  });
});
