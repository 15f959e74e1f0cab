#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster for tests: a temp data directory, 127.0.0.1 on a free port, trust auth,
# durability off (it is thrown away). Prints shell lines to eval:
#
#   eval "$(bash test/support/postgres.sh)"      # exports DATABASE_URL, TEST_DATABASE_URL, VIGIL_PG_STOP
#   ...run tests...
#   eval "$VIGIL_PG_STOP"                         # or: bash test/support/postgres.sh stop <datadir>
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user (created by the
# Debian package), else as a `vigil-ci` user this script creates. Diagnostics go to stderr; stdout is only shell.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
  local owner=$1
  shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "stop" ]; then
  dir=${2:?usage: postgres.sh stop <datadir>}
  [ -f "$dir/PG_VERSION" ] || { echo "postgres.sh: $dir is not a cluster directory" >&2; exit 2; }
  owner=$(stat -c %U "$dir")
  as_owner "$owner" "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >&2 || true
  rm -rf "$(dirname "$dir")"
  exit 0
fi

[ -x "$PG_BIN/initdb" ] || { echo "postgres.sh: PostgreSQL 15 not found in $PG_BIN (apt-get install postgresql-15)" >&2; exit 1; }

owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then
    owner=postgres
  else
    id vigil-ci >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin vigil-ci
    owner=vigil-ci
  fi
fi

base=$(mktemp -d /tmp/vigil-pg.XXXXXX)
chmod 755 "$base"
data="$base/data"
mkdir -p "$data"
chown -R "$owner" "$base"

as_owner "$owner" "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N >"$base/initdb.log" 2>&1 ||
  { cat "$base/initdb.log" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

started=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  port=$((20000 + RANDOM % 40000))
  port_in_use "$port" && continue
  if as_owner "$owner" "$PG_BIN/pg_ctl" -D "$data" -l "$base/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $base -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2; then
    started=1
    break
  fi
done
[ "$started" -eq 1 ] || { echo "postgres.sh: could not start PostgreSQL; log:" >&2; cat "$base/server.log" >&2; exit 1; }

url="postgres://postgres@127.0.0.1:$port/postgres"
stop="bash $(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/postgres.sh stop $data"
echo "export DATABASE_URL='$url'"
echo "export TEST_DATABASE_URL='$url'"
echo "export VIGIL_PG_STOP='$stop'"
echo "# stop with: $stop"
