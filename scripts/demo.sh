#!/usr/bin/env bash
# `npm run demo`: everything the two-gateway demo needs (services, PKI, migrations), then the
# demo itself — Kazakhstan's and Azerbaijan's gateways exchanging a signed, encrypted request
# and answer over RabbitMQ.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/prepare.sh --quiet
node apps/cli/bin/mxg.js db migrate >/dev/null
exec node dist/apps/demo/src/main.js
