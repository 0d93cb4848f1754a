#!/usr/bin/env node
// `mxg` — the command-line tool for operators, security teams and auditors.
// Runs the compiled CLI; `npm ci` builds it (the `prepare` script), `npm run build` refreshes it.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    'mxg: the CLI is not built yet — run `npm run build` in the repository root.\n',
  );
  process.exit(3);
}
require(entry);
