#!/usr/bin/env node
// After `tsc`: records which commit the build came from, for `mxg --version`. Outside a git
// checkout (a source tarball) it records nothing rather than guess.
const { execFileSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const git = (...args) =>
  execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
let info = {};
try {
  info = {
    commit: git('rev-parse', 'HEAD'),
    modified: git('status', '--porcelain', '--untracked-files=no') !== '',
  };
} catch {
  // not a git checkout, or no git: the version says "commit unknown"
}
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'build-info.json'), `${JSON.stringify(info)}\n`);
