#!/usr/bin/env bash
# What the tests use besides the services: `pdftotext` (Debian's poppler-utils), with which the
# claim-calculation tests read the rendered PDF back (RET-3.6). Installed when missing if this
# runs as root on Debian; otherwise stops and says what to install. Run by `npm test` through
# scripts/prepare.sh --test-tools.
set -euo pipefail

say() { printf 'test-tools: %s\n' "$*"; }
fail() { printf 'test-tools: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/apt-install.sh
. "$(dirname "$0")/apt-install.sh"

if command -v pdftotext >/dev/null; then
  say "pdftotext found ($(command -v pdftotext))"
else
  apt_install poppler-utils
  command -v pdftotext >/dev/null || fail "poppler-utils installed but pdftotext is not on PATH"
fi
