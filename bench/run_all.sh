#!/usr/bin/env bash
# Every performance benchmark of the course, one after another; results in bench/results/, and
# at the end the README's performance table (bench/summary.py).
#
#   bash bench/run_all.sh            # everything: about 90 minutes on a 2-core machine
#   bash bench/run_all.sh --quick    # about 20 minutes: the same benchmarks at small sizes
#                                    # (QUICK=1 does the same)
#   BASELINE=<rev> bash bench/run_all.sh   # the same-run baseline (default: before issue 24)
#
#   1. content      load + validate the course (and generated 10/50/200-module courses)
#   2. profile      where a walk's server CPU goes: Streamlit, pydantic, SQL, Altair, ours (py-spy)
#   3. steps        each page step's CPU (alone) and p95 at 50 learners against floor-nodelay+K
#                   sending as many messages, and the course at $BASELINE in the same run
#   4. replicas     1 and 2 replicas behind nginx on PostgreSQL (deploy/up.sh): the knee where the
#                   page steps' p95 crosses 100 ms, 200 learners' p95 and errors, 400's errors;
#                   and progress written through replica 1 read through replica 2 (handoff)
#   5. vitals       INP and LCP in Chromium with 50 simulated learners loading, course and floor
#   6. soak         1,000 walks over 30 minutes on one replica on PostgreSQL (quick: 1 minute),
#                   every record checked, memory at the end against after the first 200
#   7. coldstart    scripts/app.sh to Home in Chromium, and a replica restart (and at $BASELINE)
#
# Benchmarks, not tests: nothing here fails on a slow figure. It does fail if a step cannot
# run at all (a server that does not start, a learner who cannot get through the app).
# Traffic goes to 127.0.0.1 only. deploy/down.sh runs on exit, whatever happens. Every figure
# is printed with the machine's load average: on a shared machine it says how far to trust it.
set -euo pipefail

QUICK="${QUICK:-}"
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    *) echo "usage: bash bench/run_all.sh [--quick]" >&2; exit 2 ;;
  esac
done

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH/../scripts/_setup.sh"  # the pinned .venv; cd's to the repository root
PY=.venv/bin/python
RESULTS=bench/results
export DEPLOY_DIR="${DEPLOY_DIR:-/tmp/course-bench-deploy}"
export PORT="${BENCH_PORT:-8660}"
# The last commit before the work of issue 24 (docs/performance.md): the same-run baseline.
BASELINE="${BASELINE:-cff9c25}"

if [ -n "$QUICK" ]; then
  CONTENT_ARGS=(--sizes 10 --repeats 3)
  PROFILE_ARGS=(--walks 8)
  STEPS_ARGS=(--walks 3 --learners 50 --floor-presses 6 --baseline "$BASELINE")
  REPLICA_LEVELS_1=200
  REPLICA_LEVELS_2=200,400
  VITALS_ARGS=(--walks 1 --learners 50)
  SOAK_ARGS=(--minutes 1 --settle 10)
  COLD_ARGS=(--repeats 1)
else
  CONTENT_ARGS=()
  PROFILE_ARGS=(--walks 40)
  STEPS_ARGS=(--walks 10 --learners 50 --floor-presses 25 --baseline "$BASELINE" --baseline-crowd)
  REPLICA_LEVELS_1=50,100,150,200,300,400
  REPLICA_LEVELS_2=50,100,150,200,300,400
  VITALS_ARGS=(--walks 5 --learners 50)
  SOAK_ARGS=(--minutes "${SOAK_MINUTES:-30}")
  COLD_ARGS=(--repeats 3 --baseline "$BASELINE")
fi

trap 'bash deploy/down.sh >/dev/null 2>&1 || true' EXIT
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "== $* (load average $(loadavg), $(date -u +%H:%M:%S) UTC)" >&2; }

# A fresh PostgreSQL database in scripts/pg.sh's cluster; prints its URL.
fresh_pg_db() {
  bash scripts/pg.sh start >&2
  local base_url pg_port pgbin
  base_url="$(bash scripts/pg.sh url)"
  pg_port="$(echo "$base_url" | sed -E 's#.*:([0-9]+)/.*#\1#')"
  pgbin="${COURSE_PG_BIN:-/usr/lib/postgresql/${COURSE_PG_VERSION:-15}/bin}"
  as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS $1" >&2
  as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -q -c "CREATE DATABASE $1 OWNER course" >&2
  echo "${base_url%/*}/$1"
}

if [ ! -f bench/vitals/node_modules/web-vitals/dist/web-vitals.iife.js ]; then
  say "installing web-vitals (bench/vitals/package-lock.json)"
  npm ci --prefix bench/vitals --no-audit --no-fund >&2
fi

say "1/7 content: load and validate"
"$PY" bench/content_bench.py "${CONTENT_ARGS[@]}"

say "2/7 profile: where a walk's CPU goes"
"$PY" bench/profile_steps.py "${PROFILE_ARGS[@]}" >/dev/null

say "3/7 steps: each page step against floor-nodelay+K, and course@$BASELINE"
"$PY" bench/steps.py "${STEPS_ARGS[@]}" >/dev/null

say "4/7 replicas: 1 and 2 behind nginx on PostgreSQL"
for replicas in 1 2; do
  levels="REPLICA_LEVELS_$replicas"
  bash deploy/up.sh "$replicas"
  pids="$(awk '{print $2}' "$DEPLOY_DIR/replicas.txt" | paste -sd, -)"
  "$PY" bench/load.py --target "http://127.0.0.1:$PORT" --pids "$pids" --apps course \
    --levels "${!levels}" --name "replicas-$replicas" >/dev/null
  if [ "$replicas" -eq 2 ]; then
    say "4/7 handoff: written via replica 1, read via replica 2"
    mapfile -t ports < <(awk '{print $1}' "$DEPLOY_DIR/replicas.txt")
    "$PY" bench/load.py --handoff "http://127.0.0.1:${ports[0]}" "http://127.0.0.1:${ports[1]}" --name handoff >/dev/null
  fi
  bash deploy/down.sh
done
"$PY" bench/load.py --compare "$RESULTS/replicas-1.json" "$RESULTS/replicas-2.json" --p95-budget 100,250,1000 \
  --name replicas >/dev/null

say "5/7 vitals: INP and LCP in Chromium under load"
"$PY" bench/vitals.py "${VITALS_ARGS[@]}" >/dev/null

say "6/7 soak: walks on one replica on PostgreSQL, records checked"
"$PY" bench/soak.py "${SOAK_ARGS[@]}" --db-url "$(fresh_pg_db course_soak)" >/dev/null

say "7/7 coldstart: app.sh and a replica restart to Home in Chromium"
"$PY" bench/coldstart.py "${COLD_ARGS[@]}" >/dev/null

say "done"
"$PY" bench/summary.py
