#!/usr/bin/env bash
# The one test command (`npm test`): services up and provisioned, an up-to-date build (e2e tests
# run the compiled gateway and CLI), then every test — unit, integration and e2e — on the real
# PostgreSQL and RabbitMQ. Ends with jest's totals as one plain line: `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC

bash scripts/prepare.sh --quiet --test-tools # + pdftotext (RET-3.6 calculation tests), SoftHSM2 (PKCS#11 key store)

mkdir -p reports
set +e
npx jest --json --outputFile=reports/jest.json "$@"
status=$?
set -e
node -e '
  const r = JSON.parse(require("fs").readFileSync("reports/jest.json", "utf8"));
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
' || echo "0 passed, 1 failed"
exit $status
