#!/usr/bin/env bash
# Makes sure the services MXG needs answer on this machine, then provisions what the gateways
# need in them (databases, roles, AMQP vhost and users). Safe to run any number of times.
#
#   PostgreSQL 127.0.0.1:5432   RabbitMQ 127.0.0.1:5672 (shared broker of the tests)
#   each party's own RabbitMQ node (#15, `amqp.node`): started by `mxg services provision`,
#   AMQPS only — KZ mxg-kz@localhost :5681, AZ mxg-az@localhost :5682 (docs/transport-brokers.md)
#
# For each: use it if it answers; start it if installed but stopped; install the Debian package
# if absent and running as root; otherwise stop and say what is missing. Set
# MXG_SERVICES=external to skip all of this (a deployment whose services are managed elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'services: %s\n' "$*"; }
fail() { printf 'services: %s\n' "$*" >&2; exit 1; }

if [ "${MXG_SERVICES:-}" = "external" ]; then
  say "MXG_SERVICES=external: not checking or starting local services"
  exit 0
fi

answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_for() { # name host port seconds
  local i
  for ((i = 0; i < $4 * 2; i++)); do
    answers "$2" "$3" && return 0
    sleep 0.5
  done
  fail "$1 did not start answering on $2:$3 within $4 s"
}

APT_ALTERNATIVE="or run the services with Docker:
  docker compose up -d   (see docker-compose.yml), then run this again"
# shellcheck source=scripts/apt-install.sh
. scripts/apt-install.sh

ensure_postgres() {
  if answers 127.0.0.1 5432; then
    say "PostgreSQL answers on 127.0.0.1:5432"
    return
  fi
  if ! command -v pg_ctlcluster >/dev/null; then
    apt_install postgresql
  fi
  local version
  for version in $(ls /etc/postgresql 2>/dev/null); do
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null ||
      pg_ctlcluster "$version" main start
  done
  wait_for PostgreSQL 127.0.0.1 5432 60
}

ensure_rabbitmq() {
  if answers 127.0.0.1 5672; then
    say "RabbitMQ answers on 127.0.0.1:5672"
    return
  fi
  if ! command -v rabbitmq-server >/dev/null; then
    apt_install rabbitmq-server
  fi
  say "starting RabbitMQ"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_for RabbitMQ 127.0.0.1 5672 120
  rabbitmqctl await_startup >/dev/null 2>&1 || true
}

# The parties' vhosts are linked by shovels. The plugin ships with RabbitMQ; enabling it again
# changes nothing. A broker managed elsewhere (MXG_RABBITMQCTL, Docker) enables it itself.
ensure_shovel() {
  [ -n "${MXG_RABBITMQCTL:-}" ] && return
  command -v rabbitmq-plugins >/dev/null || return 0
  if ! rabbitmq-plugins -q list --enabled --minimal 2>/dev/null | grep -qx rabbitmq_shovel; then
    say "enabling RabbitMQ's shovel plugin"
    rabbitmq-plugins -q enable rabbitmq_shovel >/dev/null
  fi
}

# This checkout's id (var/checkout-id, made on first use): names the PostgreSQL superuser role
# this checkout may create for itself below, and its slot in the machine's register (#17).
checkout_id() {
  mkdir -p var
  if ! grep -qxE '[0-9a-f]{16}' var/checkout-id 2>/dev/null; then
    node -e "process.stdout.write(require('crypto').randomBytes(8).toString('hex'))" >var/checkout-id
  fi
  cat var/checkout-id
}

# Provisioning logs in to PostgreSQL as a superuser over TCP: MXG_PG_ADMIN_URL; else the role in
# var/secrets/pg-admin.role (`postgres` when absent) with the password in
# var/secrets/pg-admin.password, if any. Where that does not log in (a stock Debian install wants
# a password), and only as root with the server's OS user at hand, this checkout gets a superuser
# role of its own, `mxg_admin_<checkout id>`, with a generated password. The password of a role
# this checkout did not create — `postgres`, another checkout's — is never changed (#17).
ensure_postgres_admin() {
  local role_file=var/secrets/pg-admin.role secret=var/secrets/pg-admin.password role password
  [ -n "${MXG_PG_ADMIN_URL:-}" ] && return
  command -v psql >/dev/null || return 0
  role="$(cat "$role_file" 2>/dev/null || echo postgres)"
  if PGPASSWORD="$(cat "$secret" 2>/dev/null || true)" PGCONNECT_TIMEOUT=5 \
    psql -h 127.0.0.1 -U "$role" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    return
  fi
  if [ "$(id -u)" != 0 ] || ! id postgres >/dev/null 2>&1; then
    fail "cannot log in to PostgreSQL on 127.0.0.1 as $role. Set MXG_PG_ADMIN_URL to a superuser URL."
  fi
  role="mxg_admin_$(checkout_id)"
  say "creating PostgreSQL superuser role $role for this checkout (password in $secret); no existing role is changed"
  mkdir -p var/secrets && chmod 700 var/secrets
  password="$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))")"
  # The role's name holds this checkout's id: creating it, or setting its password again (this
  # checkout's secret was lost), touches no one else's. Names and password are [0-9a-zA-Z_-].
  runuser -u postgres -- psql -qAt -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
\\set role '$role'
\\set password '$password'
SELECT format('CREATE ROLE %I SUPERUSER LOGIN', :'role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \\gexec
ALTER ROLE :"role" PASSWORD :'password';
SQL
  (umask 077 && printf '%s' "$password" >"$secret.next" && printf '%s' "$role" >"$role_file")
  mv "$secret.next" "$secret"
}

ensure_postgres
ensure_postgres_admin
ensure_rabbitmq
ensure_shovel

[ -f dist/apps/cli/src/main.js ] || npm run --silent build
# #17: this checkout's slot on the machine's services, claimed before anything is named: a second
# checkout gets databases, roles and broker nodes of its own (README "Two checkouts on one machine").
checkout_id >/dev/null
node apps/cli/bin/mxg.js services claim-slot
# #15: a party with a broker node of its own (`amqp.node`) has it started by provisioning, on
# its TLS server certificate from the development PKI: issue that first (changes nothing when
# it exists).
node apps/cli/bin/mxg.js pki init >/dev/null
node apps/cli/bin/mxg.js services provision
