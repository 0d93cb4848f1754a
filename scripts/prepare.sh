#!/usr/bin/env bash
# What `npm start`, `npm run demo` and `npm test` need before they run anything: dependencies,
# a build of dist/ that is up to date, the services provisioned and the development PKI. One
# at a time per checkout: two `npm start`s at once (KZ's and AZ's gateways, as the README
# suggests) would otherwise have tsc rewrite dist/ while the other process loads it, and
# provision the services and issue the PKI twice at the same moment. So this runs under a lock
# (flock, util-linux), and the build is skipped when nothing it reads changed since the last.
#
#   scripts/prepare.sh [--quiet] [--test-tools]
#     --quiet        services, PKI and test tools say nothing unless they fail
#     --test-tools   also what the tests use besides the services (scripts/test-tools.sh: pdftotext, SoftHSM2, Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=false
test_tools=false
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=true ;;
    --test-tools) test_tools=true ;;
    *) printf 'prepare: unknown option %s\n' "$arg" >&2 && exit 2 ;;
  esac
done

mkdir -p var
exec 9>var/prepare.lock
if command -v flock >/dev/null; then
  flock 9 # released when this script exits: the gateway started after it does not hold it
else
  printf 'prepare: flock (util-linux) not found: not waiting for other starts in this checkout\n' >&2
fi

[ -d node_modules ] || npm ci

# dist/.built is touched when a build that started before it succeeded: any input newer than it
# (a source, a tsconfig, the dependencies; a folder whose files were added or removed) rebuilds.
stamp=dist/.built
if [ ! -f "$stamp" ] || [ -n "$(find apps libs tsconfig.json tsconfig.build.json package.json \
  package-lock.json -newer "$stamp" -not -path '*/node_modules/*' -print -quit)" ]; then
  mkdir -p dist
  touch "$stamp.next"
  npm run --silent build
  mv "$stamp.next" "$stamp"
fi

if $quiet; then
  bash scripts/services.sh >/dev/null
  node apps/cli/bin/mxg.js pki init >/dev/null
else
  bash scripts/services.sh
  node apps/cli/bin/mxg.js pki init
fi

if $test_tools; then
  if $quiet; then
    bash scripts/test-tools.sh >/dev/null
  else
    bash scripts/test-tools.sh
  fi
fi
