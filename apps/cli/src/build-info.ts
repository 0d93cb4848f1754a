import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What `mxg --version` says: the package's version, the commit it was built from, the runtime. */
export interface BuildInfo {
  readonly name: string;
  readonly version: string;
  /** `git rev-parse HEAD` when `npm run build` ran; null when not built from a git checkout. */
  readonly commit: string | null;
  /** Whether tracked files differed from that commit at build time (null: not known). */
  readonly modified: boolean | null;
  readonly node: string;
}

/**
 * Reads the repository's package.json (the nearest one named `mxg` above this file) and the
 * `dist/build-info.json` that `scripts/write-build-info.js` writes after each build.
 */
export function buildInfo(from: string = __dirname): BuildInfo {
  const root = packageRoot(from);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  let built: { commit?: unknown; modified?: unknown } = {};
  const file = join(root, 'dist', 'build-info.json');
  if (existsSync(file)) built = JSON.parse(readFileSync(file, 'utf8')) as typeof built;
  return {
    name: pkg.name,
    version: pkg.version,
    commit: typeof built.commit === 'string' ? built.commit : null,
    modified: typeof built.modified === 'boolean' ? built.modified : null,
    node: process.version,
  };
}

export function versionLine(info: BuildInfo): string {
  const commit =
    info.commit === null
      ? 'commit unknown'
      : `commit ${info.commit.slice(0, 12)}${info.modified ? ' with uncommitted changes' : ''}`;
  return `${info.name} ${info.version} (${commit}; node ${info.node})`;
}

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'mxg'
    ) {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of mxg above ${from}`);
  }
}
