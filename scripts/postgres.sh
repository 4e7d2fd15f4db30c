#!/usr/bin/env bash
# A private PostgreSQL server on loopback for the database tests. Idempotent.
#
#   scripts/postgres.sh [start]   install (apt, as root) if missing, initdb once, start,
#                                 create database vetting_test, print its URL on stdout
#   scripts/postgres.sh status    print the URL if the server runs (exit 3 if not)
#   scripts/postgres.sh stop      stop the server (the data directory is kept)
#
# Settings: VETTING_PG_DIR (default ${TMPDIR:-/tmp}/vetting-postgres) holds the cluster,
# its log and its generated password; VETTING_PG_PORT (default 55432) is the first port
# tried, the next free one is used when it is taken. The server listens on 127.0.0.1
# only and asks for the password (scram-sha-256). PostgreSQL refuses to run as root, so
# as root the server runs as the system user "postgres" (created if missing).
# Everything but the URL goes to stderr.
set -euo pipefail

action=${1:-start}
base=${VETTING_PG_DIR:-${TMPDIR:-/tmp}/vetting-postgres}
pgdata=$base/data
first_port=${VETTING_PG_PORT:-55432}
database=vetting_test
superuser=vetting

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  [ "$action" = start ] || { say "no PostgreSQL installed"; exit 3; }
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed; run as root or: apt-get install postgresql"
  say "installing PostgreSQL with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  bin=$(find_bin)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] || die "apt-get installed no PostgreSQL server binaries"
fi

as_server=()
if [ "$(id -u)" = 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    say "creating system user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
  fi
  as_server=(runuser -u postgres --)
fi
run() { "${as_server[@]}" "$@"; }

running() {
  [ -f "$pgdata/PG_VERSION" ] && run "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1
}

running_port() {
  sed -n 4p "$pgdata/postmaster.pid"
}

print_url() {
  echo "postgresql://$superuser:$(cat "$base/password")@127.0.0.1:$1/$database"
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$action" in
  stop)
    if running; then
      run "$bin/pg_ctl" -D "$pgdata" -m fast -w stop >&2
    else
      say "not running"
    fi
    exit 0
    ;;
  status)
    running || { say "not running"; exit 3; }
    print_url "$(running_port)"
    exit 0
    ;;
  start) ;;
  *) die "usage: $0 [start|status|stop]" ;;
esac

mkdir -p "$base"
chmod 700 "$base"
[ ${#as_server[@]} -eq 0 ] || chown postgres: "$base"
run test -w "$base" || die "the server user cannot write $base (a parent directory closed to it?);"\
" set VETTING_PG_DIR to a directory it can reach"

if [ ! -f "$pgdata/PG_VERSION" ]; then
  say "initdb into $pgdata"
  rm -rf "$pgdata"
  # The password is generated here and kept beside the cluster (mode 600).
  (umask 077; head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$base/password")
  [ ${#as_server[@]} -eq 0 ] || chown postgres: "$base/password"
  run "$bin/initdb" -D "$pgdata" -U "$superuser" --pwfile="$base/password" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C >&2
fi

if running; then
  port=$(running_port)
else
  port=$first_port
  while port_taken "$port"; do
    port=$((port + 1))
    [ "$port" -lt $((first_port + 100)) ] || die "no free port from $first_port on"
  done
  say "starting on 127.0.0.1:$port (log: $base/server.log)"
  run "$bin/pg_ctl" -D "$pgdata" -l "$base/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$base" \
    start >&2 || { tail -n 20 "$base/server.log" >&2 || true; die "the server did not start"; }
fi

for _ in $(seq 1 60); do
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || die "the server on port $port is not ready"

export PGPASSWORD
PGPASSWORD=$(cat "$base/password")
exists=$("$bin/psql" -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$database'")
if [ "$exists" != 1 ]; then
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$superuser" "$database"
fi
print_url "$port"
