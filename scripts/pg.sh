#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the store tests and the records benchmark.
#
#   scripts/pg.sh install install PostgreSQL from Debian's packages if it is missing (start does too)
#   scripts/pg.sh start   initialise (first time) and start it; fine when already running
#   scripts/pg.sh stop    stop it (the data directory stays, so the next start is quick)
#   scripts/pg.sh url     print the SQLAlchemy URL, e.g. for COURSE_TEST_PG_URL
#   scripts/pg.sh status  say whether it is running
#
# Test use only: it listens on 127.0.0.1 alone, trusts every local connection without a
# password, and runs with fsync off, because the data is disposable and speed matters more.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user.
set -euo pipefail

PG_VERSION=${COURSE_PG_VERSION:-15}
PGBIN=${COURSE_PG_BIN:-/usr/lib/postgresql/$PG_VERSION/bin}
PGDATA=${COURSE_PG_DATA:-/tmp/course-pg}
PGPORT=${COURSE_PG_PORT:-54329}
PGHOST=127.0.0.1
ROLE=course
DB=course_test

url() {
  echo "postgresql+psycopg://$ROLE@$PGHOST:$PGPORT/$DB"
}

# Run a PostgreSQL binary as the server's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_installed() {
  if [ ! -x "$PGBIN/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "pg.sh: $PGBIN/initdb not found; install PostgreSQL $PG_VERSION (apt-get install postgresql)" >&2
      exit 1
    fi
    echo "pg.sh: installing PostgreSQL from Debian packages" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  fi
  if [ ! -x "$PGBIN/initdb" ]; then
    echo "pg.sh: still no $PGBIN/initdb after installing; set COURSE_PG_VERSION to the installed version" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
}

is_running() {
  [ -f "$PGDATA/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

psql_admin() {
  as_owner "$PGBIN/psql" -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
}

start() {
  ensure_installed
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PGDATA"
    as_owner "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
  fi
  if is_running; then
    echo "pg.sh: already running on $PGHOST:$PGPORT" >&2
  else
    as_owner "$PGBIN/pg_ctl" start -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
      -o "-c listen_addresses=$PGHOST -p $PGPORT -c unix_socket_directories=$PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null
  fi
  for _ in $(seq 1 60); do
    if "$PGBIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT"; then
      break
    fi
    sleep 0.5
  done
  if ! "$PGBIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT"; then
    echo "pg.sh: server did not become ready; see $PGDATA/server.log" >&2
    exit 1
  fi
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
    psql_admin -c "CREATE ROLE $ROLE LOGIN"
  fi
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
  fi
  echo "pg.sh: ready at $(url)" >&2
}

stop() {
  if is_running; then
    as_owner "$PGBIN/pg_ctl" stop -D "$PGDATA" -m fast -w >/dev/null
    echo "pg.sh: stopped" >&2
  else
    echo "pg.sh: not running" >&2
  fi
}

case "${1:-}" in
  install) ensure_installed ;;
  start) start ;;
  stop) stop ;;
  url) url ;;
  status)
    if is_running; then echo "running on $PGHOST:$PGPORT"; else echo "stopped"; exit 3; fi
    ;;
  *)
    echo "usage: scripts/pg.sh install|start|stop|url|status" >&2
    exit 2
    ;;
esac
