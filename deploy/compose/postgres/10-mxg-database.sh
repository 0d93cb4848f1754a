#!/usr/bin/env bash
# Run by the postgres image on its first start (empty data volume): the party's database with
# its two roles, as `mxg services provision` makes them (libs/database/src/provision-database.ts):
# the owner, which runs the migrations and owns the schema `mxg`, and the application role, which
# may read and write rows there but cannot create, alter, drop or truncate anything.
set -euo pipefail
db="${MXG_DATABASE:?}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v db="$db" -v owner="${db}_owner" -v app="${db}_app" \
  -v owner_password="${MXG_DB_OWNER_PASSWORD:?}" -v app_password="${MXG_DB_APP_PASSWORD:?}" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
CREATE DATABASE :"db" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
\connect :"db"
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS mxg AUTHORIZATION :"owner";
REVOKE ALL ON SCHEMA mxg FROM PUBLIC;
GRANT USAGE ON SCHEMA mxg TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA mxg GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA mxg GRANT USAGE, SELECT ON SEQUENCES TO :"app";
ALTER ROLE :"owner" IN DATABASE :"db" SET search_path = mxg;
ALTER ROLE :"app" IN DATABASE :"db" SET search_path = mxg;
SQL
