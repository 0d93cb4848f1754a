#!/usr/bin/env bash
# `npm run demo`: everything the two-gateway demo needs (services, PKI, migrations), then the
# demo itself — Kazakhstan's and Azerbaijan's gateways exchanging a signed, encrypted request
# and answer over RabbitMQ.
# `npm run demo:ret` (scripts/demo.sh ret): the same gateways carrying one RET reimbursement claim
# from submission to payment, with the calculation saved as a PDF.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/prepare.sh --quiet
node apps/cli/bin/mxg.js db migrate >/dev/null
case "${1:-}" in
  '') exec node dist/apps/demo/src/main.js ;;
  ret) exec node dist/apps/demo/src/ret/main.js ;;
  *) printf 'demo: unknown demo %s (none, or ret)\n' "$1" >&2 && exit 2 ;;
esac
