#!/usr/bin/env bash
# Start a local PostgreSQL with PostGIS for development and CI, and print its URL.
#   bash scripts/postgis.sh            install if absent, init, start; prints postgresql://...
#   bash scripts/postgis.sh --install  only install Debian's packages if absent
#   bash scripts/postgis.sh --stop     stop the server started here
# Idempotent: when the server already runs it prints the URL and exits at once.
# Data lives in .pgdata/ (gitignored); the server listens on a unix socket in
# .pgdata/run only (no TCP port), trusts local connections, and never runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PGHOME=${INCIDENT_PGDATA:-$ROOT/.pgdata}
DATA=$PGHOME/data
RUN=$PGHOME/run
PORT=${INCIDENT_PGPORT:-54329}
DB=${INCIDENT_PGDATABASE:-incidents}
ROLE=incident

say() { printf '[postgis] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && echo "$dir"
}

install_packages() {
  local bin ver
  bin=$(pg_bin || true)
  if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
    say "installing Debian's postgresql"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
      postgresql >/dev/null
    bin=$(pg_bin)
  fi
  ver=$(basename "$(dirname "$bin")")
  if [ ! -f "/usr/share/postgresql/$ver/extension/postgis.control" ]; then
    say "installing Debian's postgresql-$ver-postgis-3"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
      "postgresql-$ver-postgis-3" >/dev/null
  fi
}

url() { echo "postgresql://$ROLE@/$DB?host=$RUN&port=$PORT"; }

# postgres refuses to run as root: as root, run its programs as the 'postgres' system user.
RUNAS=()
if [ "$(id -u)" = 0 ]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  RUNAS=(runuser -u postgres --)
fi
pg() { (cd / && "${RUNAS[@]}" "$BIN/$1" "${@:2}"); }

# A checkout the postgres user cannot reach (a private parent folder) keeps its cluster
# in a folder of its own under /var/tmp, named after the checkout.
if [ "$(id -u)" = 0 ] && [ -z "${INCIDENT_PGDATA:-}" ] \
    && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
  PGHOME=/var/tmp/incident-map-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
  DATA=$PGHOME/data
  RUN=$PGHOME/run
fi

case "${1:-}" in
  --install) install_packages; exit 0 ;;
esac

BIN=$(pg_bin || true)
if [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] && pg pg_ctl -D "$DATA" status >/dev/null 2>&1; then
  if [ "${1:-}" = "--stop" ]; then
    pg pg_ctl -D "$DATA" -m fast -w stop >/dev/null
    say "stopped"
    exit 0
  fi
  url
  exit 0
fi
[ "${1:-}" = "--stop" ] && { say "not running"; exit 0; }

install_packages
BIN=$(pg_bin)
mkdir -p "$PGHOME" "$RUN"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$PGHOME" "$RUN"
fi
chmod 700 "$RUN"

if [ ! -f "$DATA/PG_VERSION" ]; then
  say "initialising a cluster in $DATA"
  rm -rf "$DATA"
  pg initdb -D "$DATA" -U "$ROLE" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$RUN'"
    echo "port = $PORT"
    echo "max_connections = 300"
  } | "${RUNAS[@]}" tee -a "$DATA/postgresql.conf" >/dev/null
fi

say "starting the server"
# 300 connections: the test suite opens a store (and its query connections) per schema, and
# the page tests' cached stores stay open until the process ends; clusters made with 100 get it too.
pg pg_ctl -D "$DATA" -l "$PGHOME/server.log" -o "-c max_connections=300" -w -t 60 start >/dev/null

PSQL=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$PORT" -U "$ROLE")
if [ "$("${PSQL[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
fi
"${PSQL[@]}" -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis" 2>/dev/null
url
