#!/usr/bin/env bash
# Every performance benchmark of the course, one after another; results in bench/results/.
#
#   bash bench/run_all.sh          # about 50 minutes on a 2-core machine
#   QUICK=1 bash bench/run_all.sh  # a few minutes: smaller levels, for trying the set-up out
#
#   1. content.{json,md}     load + validate the course, and generated 10/50/200-module courses
#   2. load.{json,md}        1, 20, 50, 100 learners: the course, the floor app, the floor app
#                            with Nagle's algorithm off as the course has it, the floor app
#                            drawing 40 more elements per press (about as many messages as a
#                            course step sends), and the course as it was at $BASELINE (a
#                            same-run baseline), each on a fresh server
#   3. replicas-1/-2, replicas.{json,md}   the same learners through nginx to 1, then 2
#                            replicas sharing PostgreSQL (deploy/up.sh); throughput at equal p95
#   4. handoff.{json,md}     progress written through replica 1 is read through replica 2
#
# Benchmarks, not tests: nothing here fails on a slow figure. It does fail if a step cannot
# run at all (a server that does not start, a learner who cannot get through the app).
# Traffic goes to 127.0.0.1 only. deploy/down.sh runs on exit, whatever happens.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH/../scripts/_setup.sh"  # the pinned .venv; cd's to the repository root
PY=.venv/bin/python
RESULTS=bench/results
export DEPLOY_DIR="${DEPLOY_DIR:-/tmp/course-bench-deploy}"
export PORT="${BENCH_PORT:-8660}"
# The last commit before the latency work of 21 November 2026 (docs/performance.md, findings 5-9).
BASELINE="${BASELINE:-6b23088}"

if [ -n "${QUICK:-}" ]; then
  CONTENT_ARGS=(--sizes 10,50 --repeats 5)
  LOAD_LEVELS=1,10
  REPLICA_LEVELS=20,50
else
  CONTENT_ARGS=()
  LOAD_LEVELS=1,20,50,100
  REPLICA_LEVELS=50,100,150,200,300
fi

trap 'bash deploy/down.sh >/dev/null 2>&1 || true' EXIT

echo "== 1/4 content: load and validate" >&2
"$PY" bench/content_bench.py "${CONTENT_ARGS[@]}"

echo "== 2/4 load: course vs floor ($LOAD_LEVELS learners)" >&2
"$PY" bench/load.py --levels "$LOAD_LEVELS" --apps "course,floor,floor-nodelay,floor+40,course@$BASELINE" --name load

echo "== 3/4 replicas: 1 and 2 behind nginx ($REPLICA_LEVELS learners)" >&2
for replicas in 1 2; do
  bash deploy/up.sh "$replicas"
  pids="$(awk '{print $2}' "$DEPLOY_DIR/replicas.txt" | paste -sd, -)"
  "$PY" bench/load.py --target "http://127.0.0.1:$PORT" --pids "$pids" --apps course \
    --levels "$REPLICA_LEVELS" --name "replicas-$replicas"
  if [ "$replicas" -eq 2 ]; then
    echo "== 4/4 handoff: written via replica 1, read via replica 2" >&2
    mapfile -t ports < <(awk '{print $1}' "$DEPLOY_DIR/replicas.txt")
    "$PY" bench/load.py --handoff "http://127.0.0.1:${ports[0]}" "http://127.0.0.1:${ports[1]}" --name handoff
  fi
  bash deploy/down.sh
done
"$PY" bench/load.py --compare "$RESULTS/replicas-1.json" "$RESULTS/replicas-2.json" --p95-budget 100,250,1000 \
  --name replicas

echo >&2
echo "Results: $RESULTS/{content,load,replicas,handoff}.md (and .json)" >&2
