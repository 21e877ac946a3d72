#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests: `source .ci/postgres.sh` (or `. .ci/postgres.sh start`) initdb's
# a cluster into a temporary folder owned by the postgres user, starts it on a free 127.0.0.1 port with its
# unix socket inside that folder and `trust` for 127.0.0.1, exports BRAID_TEST_PG_URL, and sets a trap
# that stops it and removes the folder when the shell exits, on failure too. Runs as root (CI) or as any
# user who can run initdb (then the cluster is theirs).
#   .ci/postgres.sh run -- CMD...   runs CMD with the server up (what .ci/run and local runs use)
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

braid_pg_stop() {
  if [ -n "${BRAID_PG_DIR:-}" ] && [ -d "$BRAID_PG_DIR" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$BRAID_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$BRAID_PG_DIR"
  fi
}

braid_pg_start() {
  BRAID_PG_DIR="$(mktemp -d /tmp/braid-pg.XXXXXX)"
  export BRAID_PG_DIR
  chmod 755 "$BRAID_PG_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$BRAID_PG_DIR"; fi
  as_pg "$PG_BIN/initdb" -D "$BRAID_PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  local port
  port="$(free_port)"
  # Tests open many connections (engines, pools per test file); fsync off: a test cluster, thrown away.
  as_pg "$PG_BIN/pg_ctl" -D "$BRAID_PG_DIR/data" -l "$BRAID_PG_DIR/log" -w -o \
    "-p $port -k $BRAID_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  export BRAID_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  export BRAID_TEST_PG_DATA="$BRAID_PG_DIR/data"
  echo "PostgreSQL 15 for the tests at $BRAID_TEST_PG_URL" >&2
}

if [ "${1:-}" = "run" ]; then
  shift
  [ "${1:-}" = "--" ] && shift
  trap braid_pg_stop EXIT
  braid_pg_start
  "$@"
elif [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: start now, stop when the sourcing shell exits.
  trap braid_pg_stop EXIT
  braid_pg_start
else
  echo "usage: .ci/postgres.sh run -- COMMAND... (or source it)" >&2
  exit 2
fi
