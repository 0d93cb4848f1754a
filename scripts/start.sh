#!/usr/bin/env bash
# `npm start`: everything one party's gateway needs, then the gateway in the foreground.
#   MXG_GATEWAY=az npm start     # Azerbaijan's gateway instead of Kazakhstan's
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
npm run --silent build
bash scripts/services.sh
node apps/cli/bin/mxg.js pki init
export MXG_GATEWAY="${MXG_GATEWAY:-kz}"
exec node dist/apps/gateway/src/main.js
