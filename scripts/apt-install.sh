# Sourced, not run: `apt_install package…` installs Debian packages when running as root on a
# machine with apt-get, and otherwise stops with what to install by hand. The caller defines
# `say` and `fail` (its own prefix) and may set APT_ALTERNATIVE to a sentence naming another way.
apt_install() { # package...
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    fail "$* is not installed and this is not a Debian machine where I run as root.
  Install it (Debian/Ubuntu: sudo apt-get install -y $*)${APT_ALTERNATIVE:+, $APT_ALTERNATIVE}."
  fi
  say "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
