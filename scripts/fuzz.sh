#!/usr/bin/env bash
# A long fuzzing run (issue #10, finding 13): every fuzz spec, each property and each
# coverage-guided campaign for MXG_FUZZ_SECONDS (default 300), from a fresh random seed
# (printed with any failure; MXG_FUZZ_SEED=<n> replays it). Campaigns keep what they learn
# under reports/fuzz/corpus/<campaign>/ and failing inputs under reports/fuzz/findings/.
#   npm run fuzz             # 5 minutes per property and campaign
#   npm run fuzz -- 3600     # an hour each
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
export MXG_FUZZ_SECONDS="${1:-${MXG_FUZZ_SECONDS:-300}}"

npm run --silent build # the jest global setup expects dist/
npx jest --runInBand --testTimeout="$(((MXG_FUZZ_SECONDS + 300) * 1000))" \
  '\.fuzz\.spec\.ts$' 'envelope-fuzz\.int-spec\.ts$'
