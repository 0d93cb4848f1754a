#!/usr/bin/env bash
# `npm start`: everything one party's gateway needs, then the gateway in the foreground.
#   MXG_GATEWAY=az npm start     # Azerbaijan's gateway instead of Kazakhstan's
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/prepare.sh # one at a time: KZ's and AZ's `npm start` may run together
export MXG_GATEWAY="${MXG_GATEWAY:-kz}"
exec node dist/apps/gateway/src/main.js
