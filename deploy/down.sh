#!/usr/bin/env bash
# Stop what deploy/up.sh started: nginx and the Streamlit replicas, by the pids it recorded.
# PostgreSQL keeps running (other things may use it): `bash scripts/pg.sh stop` stops it.
# Logs stay in $DEPLOY_DIR/logs for reading afterwards.
set -uo pipefail

DEPLOY_DIR="${DEPLOY_DIR:-/tmp/course-deploy}"

if [ -f "$DEPLOY_DIR/nginx.pid" ]; then
  master="$(cat "$DEPLOY_DIR/nginx.pid")"
  # Graceful first (finish requests in flight), then fast: open websockets would hold a
  # graceful shutdown for as long as a tab stays open.
  kill -QUIT "$master" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$master" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$master" 2>/dev/null; then
    kill -TERM "$master" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$master" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$DEPLOY_DIR/nginx.pid"
  echo "nginx stopped"
fi

# Only a pid that is still one of our Streamlit replicas is signalled (pids get reused).
ours() { { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null | grep -q "streamlit run streamlit_app.py"; }

if [ -f "$DEPLOY_DIR/replicas.txt" ]; then
  while read -r port pid; do
    if ours "$pid"; then kill -TERM "$pid" 2>/dev/null; fi
  done <"$DEPLOY_DIR/replicas.txt"
  while read -r port pid; do
    for _ in $(seq 1 150); do ours "$pid" || break; sleep 0.1; done
    if ours "$pid"; then kill -KILL "$pid" 2>/dev/null; fi
    echo "replica on port $port stopped"
  done <"$DEPLOY_DIR/replicas.txt"
  rm -f "$DEPLOY_DIR/replicas.txt" "$DEPLOY_DIR/port"
fi
exit 0
