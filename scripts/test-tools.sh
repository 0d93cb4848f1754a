#!/usr/bin/env bash
# What the tests use besides the services: `pdftotext` (Debian's poppler-utils), with which the
# claim-calculation tests read the rendered PDF back (RET-3.6), and SoftHSM2 (Debian's softhsm2:
# the PKCS#11 module and softhsm2-util), the token the PKCS#11 key-store tests keep a gateway's
# keys in, and Chromium (Debian's chromium), the headless browser Playwright drives through the
# web console in test/console.e2e-spec.ts. Installed when missing if this runs as root on Debian; otherwise stops and says what
# to install. Run by `npm test` through scripts/prepare.sh --test-tools.
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

# Where Debian puts the module; the tests and config/gateways examples name this path.
softhsm_module=/usr/lib/softhsm/libsofthsm2.so
if command -v softhsm2-util >/dev/null && [ -e "$softhsm_module" ]; then
  say "SoftHSM2 found ($softhsm_module)"
else
  apt_install softhsm2
  [ -e "$softhsm_module" ] || fail "softhsm2 installed but $softhsm_module is missing"
fi

# playwright-core drives this binary (test/console.e2e-spec.ts); it downloads no browser itself.
chromium_binary=/usr/bin/chromium
if [ -x "$chromium_binary" ]; then
  say "Chromium found ($chromium_binary)"
else
  apt_install chromium
  [ -x "$chromium_binary" ] || fail "chromium installed but $chromium_binary is missing"
fi
