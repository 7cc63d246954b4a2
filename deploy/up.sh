#!/usr/bin/env bash
# Several replicas of the course behind nginx, sharing one PostgreSQL, on this machine.
#
#   bash deploy/up.sh [REPLICAS]   start REPLICAS Streamlit servers (default 2) and nginx
#   bash deploy/health.sh          ask nginx and every replica whether they are healthy
#   bash deploy/down.sh            stop what up.sh started (PostgreSQL keeps running)
#
# For testing a scaled-out set-up on one machine, not for production: everything listens on
# 127.0.0.1 only, and PostgreSQL is the throwaway cluster from scripts/pg.sh.
#
# Settings (environment):
#   PORT           nginx's port (default 8640); open http://127.0.0.1:$PORT
#   REPLICA_PORT   the first replica's port (default PORT+1; the others follow on)
#   DEPLOY_DIR     pid files, logs and the generated nginx.conf (default /tmp/course-deploy)
#   COURSE_DB_URL  the shared database (default: a course_deploy database in scripts/pg.sh's
#                  cluster, started if needed)
#   COURSE_CERT_SECRET  certificate signing key shared by the replicas (default: generated
#                  once into $DEPLOY_DIR/certificate.key)
#   STREAMLIT_*    any Streamlit option, passed to every replica (e.g.
#                  STREAMLIT_RUNNER_POST_SCRIPT_GC=false; see docs/performance.md)
set -euo pipefail

REPLICAS="${1:-2}"
if ! [[ "$REPLICAS" =~ ^[0-9]+$ ]] || [ "$REPLICAS" -lt 1 ] || [ "$REPLICAS" -gt 16 ]; then
  echo "usage: deploy/up.sh [REPLICAS]   (1 to 16, default 2)" >&2
  exit 2
fi
PORT="${PORT:-8640}"
REPLICA_PORT="${REPLICA_PORT:-$((PORT + 1))}"
DEPLOY_DIR="${DEPLOY_DIR:-/tmp/course-deploy}"
DEPLOY_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The pinned virtualenv, as scripts/app.sh makes it (this also cd's to the repository root).
source "$DEPLOY_SRC/../scripts/_setup.sh"
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"

if [ -f "$DEPLOY_DIR/replicas.txt" ]; then
  echo "deploy/up.sh: already up ($DEPLOY_DIR/replicas.txt exists); run deploy/down.sh first" >&2
  exit 1
fi

port_free() {
  "$PY" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no obstacle
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

healthy() {  # GET $1 answers "ok"
  [ "$(curl --noproxy '*' -fsS --max-time 2 "$1" 2>/dev/null)" = "ok" ]
}

for p in "$PORT" $(seq "$REPLICA_PORT" $((REPLICA_PORT + REPLICAS - 1))); do
  if ! port_free "$p"; then
    echo "deploy/up.sh: port $p on 127.0.0.1 is in use; set PORT (and REPLICA_PORT) to free ones" >&2
    exit 1
  fi
done

# nginx from Debian's package, installed when missing.
if ! command -v nginx >/dev/null 2>&1; then
  echo "deploy/up.sh: installing nginx from Debian packages" >&2
  apt_install nginx
fi
command -v curl >/dev/null 2>&1 || apt_install curl
# Every replica makes PDFs (certificates, packs): Pango and the fonts for a name in any script (docs/records.md).
install_pdf_packages required

mkdir -p "$DEPLOY_DIR/tmp" "$DEPLOY_DIR/logs"
chmod 755 "$DEPLOY_DIR"

# One database for every replica: that is what makes a learner's progress visible on all.
if [ -z "${COURSE_DB_URL:-}" ]; then
  bash scripts/pg.sh start
  base_url="$(bash scripts/pg.sh url)"
  pg_port="$(echo "$base_url" | sed -E 's#.*:([0-9]+)/.*#\1#')"
  PGBIN="${COURSE_PG_BIN:-/usr/lib/postgresql/${COURSE_PG_VERSION:-15}/bin}"
  as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [ -z "$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = 'course_deploy'")" ]; then
    as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -q -c "CREATE DATABASE course_deploy OWNER course"
  fi
  COURSE_DB_URL="${base_url%/*}/course_deploy"
fi
export COURSE_DB_URL

# Secrets every replica must share: certificates signed by one verify on another, and the
# XSRF cookie one replica sets is checked by the same key everywhere.
if [ -z "${COURSE_CERT_SECRET:-}" ]; then
  [ -f "$DEPLOY_DIR/certificate.key" ] || (umask 077 && "$PY" -c 'import secrets; print(secrets.token_hex(32))' >"$DEPLOY_DIR/certificate.key")
  COURSE_CERT_SECRET="$(cat "$DEPLOY_DIR/certificate.key")"
fi
export COURSE_CERT_SECRET
[ -f "$DEPLOY_DIR/cookie.key" ] || (umask 077 && "$PY" -c 'import secrets; print(secrets.token_hex(32))' >"$DEPLOY_DIR/cookie.key")
COOKIE_SECRET="$(cat "$DEPLOY_DIR/cookie.key")"

# The course is checked once here, so a content problem stops the deploy instead of showing
# the problems page on every replica.
"$PY" -m course validate >/dev/null

: >"$DEPLOY_DIR/replicas.txt.new"
servers=""
for i in $(seq 1 "$REPLICAS"); do
  port=$((REPLICA_PORT + i - 1))
  STREAMLIT_SERVER_COOKIE_SECRET="$COOKIE_SECRET" setsid "$PY" -m streamlit run streamlit_app.py \
    --server.headless true \
    --server.address 127.0.0.1 \
    --server.port "$port" \
    --global.developmentMode false \
    --server.fileWatcherType none \
    --browser.gatherUsageStats false \
    >"$DEPLOY_DIR/logs/replica-$i.log" 2>&1 </dev/null &
  echo "$port $!" >>"$DEPLOY_DIR/replicas.txt.new"
  servers+="        server 127.0.0.1:$port max_fails=3 fail_timeout=10s;"$'\n'
done
mv "$DEPLOY_DIR/replicas.txt.new" "$DEPLOY_DIR/replicas.txt"
# From here on, a failure stops what was started instead of leaving it running.
trap 'echo "deploy/up.sh: failed; stopping what it started" >&2; bash "$DEPLOY_SRC/down.sh" >&2' ERR

# Active health check before nginx sends anyone: every replica answers /_stcore/health.
deadline=$((SECONDS + 120))
while read -r port pid; do
  until healthy "http://127.0.0.1:$port/_stcore/health"; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "deploy/up.sh: replica on port $port did not become healthy; see $DEPLOY_DIR/logs/" >&2
      false
    fi
    sleep 0.5
  done
done <"$DEPLOY_DIR/replicas.txt"

# nginx.conf from the template, into the deploy folder.
user_line=""
if [ "$(id -u)" -eq 0 ]; then
  worker_user="nobody"
  id www-data >/dev/null 2>&1 && worker_user="www-data"
  user_line="user $worker_user;"
fi
"$PY" - "$DEPLOY_SRC/nginx.conf.template" "$DEPLOY_DIR/nginx.conf" "$user_line" "$DEPLOY_DIR" "$PORT" "$servers" <<'EOF'
import sys
template, out, user_line, folder, port, servers = sys.argv[1:]
text = open(template, encoding="utf-8").read()
for key, value in {"USER_LINE": user_line, "DIR": folder, "PORT": port, "SERVERS": servers.rstrip("\n")}.items():
    text = text.replace(f"@@{key}@@", value)
assert "@@" not in text, "a placeholder was left unfilled"
open(out, "w", encoding="utf-8").write(text)
EOF
nginx -t -q -p "$DEPLOY_DIR/" -c "$DEPLOY_DIR/nginx.conf"
nginx -p "$DEPLOY_DIR/" -c "$DEPLOY_DIR/nginx.conf"
echo "$PORT" >"$DEPLOY_DIR/port"

deadline=$((SECONDS + 30))
until healthy "http://127.0.0.1:$PORT/_stcore/health"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "deploy/up.sh: nginx on port $PORT does not answer; see $DEPLOY_DIR/nginx-error.log" >&2
    false
  fi
  sleep 0.3
done

trap - ERR
echo "The course is up at http://127.0.0.1:$PORT/ ($REPLICAS replica$([ "$REPLICAS" -gt 1 ] && echo s) behind nginx)"
while read -r port pid; do echo "  replica http://127.0.0.1:$port/  pid $pid  log $DEPLOY_DIR/logs/"; done <"$DEPLOY_DIR/replicas.txt"
echo "  database ${COURSE_DB_URL}"
echo "  nginx config $DEPLOY_DIR/nginx.conf; stop everything with: bash deploy/down.sh"
