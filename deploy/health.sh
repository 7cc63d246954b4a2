#!/usr/bin/env bash
# Ask nginx and every replica that deploy/up.sh started whether they are healthy.
# Prints one line each and exits 1 if any is not.
set -uo pipefail

DEPLOY_DIR="${DEPLOY_DIR:-/tmp/course-deploy}"
PORT="$(cat "$DEPLOY_DIR/port" 2>/dev/null || echo "${PORT:-8640}")"
status=0

check() {  # name url
  if [ "$(curl --noproxy '*' -fsS --max-time 3 "$2" 2>/dev/null)" = "ok" ]; then
    echo "ok    $1  $2"
  else
    echo "DOWN  $1  $2"
    status=1
  fi
}

if [ ! -f "$DEPLOY_DIR/replicas.txt" ]; then
  echo "nothing is up ($DEPLOY_DIR/replicas.txt is missing); start it with: bash deploy/up.sh" >&2
  exit 1
fi
check "nginx       " "http://127.0.0.1:$PORT/nginx-health"
check "via nginx   " "http://127.0.0.1:$PORT/_stcore/health"
n=0
while read -r port pid; do
  n=$((n + 1))
  check "replica $n (pid $pid)" "http://127.0.0.1:$port/_stcore/health"
done <"$DEPLOY_DIR/replicas.txt"
exit $status
