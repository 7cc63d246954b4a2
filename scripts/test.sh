#!/usr/bin/env bash
# Run the whole test suite: lint, type check, content validation, then every test layer.
# Installs what it needs: the virtual environment, pinned packages, and PostgreSQL from
# Debian's packages for the store tests, Chromium for the browser tests, and Pango, fontconfig
# and fonts for the PDFs (run as root, or install the Debian packages postgresql, chromium,
# libpango-1.0-0, libpangoft2-1.0-0, fontconfig, fonts-dejavu-core, fonts-noto-core and
# fonts-wqy-microhei first).
# Usage: bash scripts/test.sh [extra pytest arguments]
#
# Order, for a fresh clone's time (CI): first every Debian package, one apt at a time (each a
# quick check when installed); then what needs no .venv (the npm packages, Ralph's own venv,
# PostgreSQL's start) in the background while uv installs the pinned packages; then ruff and
# the content; mypy runs beside pytest at a low priority and its result is printed, and fails
# the run, after pytest's.
defer_venv=1 # make_venv and install_packages are run below (scripts/_setup.sh)
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

echo "== Debian packages: Chromium and its headless shell (browser tests); Pango, fontconfig and fonts (PDFs); Node and npm (LMS tests, web-vitals); PostgreSQL (store tests)"
[ -x /usr/bin/chromium ] || apt_install chromium # the screenshots test, bench/vitals.py, bench/coldstart.py
# The browser tests drive Chromium's headless shell: the same engine, less CPU (course/devserver.py).
[ -x /usr/lib/chromium/chromium-headless-shell ] || apt_install chromium-headless-shell
install_pdf_packages required
# Node and npm from Debian for scorm-again, the SCORM 1.2 runtime the SCORM tests use as the LMS.
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
bash scripts/pg.sh install
make_venv
ensure_uv # (pip) which installs the pinned packages of both venvs

bg_dir="$(mktemp -d)"
bg_names=()
bg_pids=()
run_bg() { # NAME COMMAND...: run in the background, output kept in $bg_dir/NAME.log
  local name=$1
  shift
  ("$@") >"$bg_dir/$name.log" 2>&1 &
  bg_names+=("$name")
  bg_pids+=("$!")
}
wait_bg() { # each background job's output; the run stops at one that failed
  local i
  for i in "${!bg_pids[@]}"; do
    if ! wait "${bg_pids[$i]}"; then
      cat "$bg_dir/${bg_names[$i]}.log"
      echo "error: ${bg_names[$i]} failed (its output is above)" >&2
      exit 1
    fi
    cat "$bg_dir/${bg_names[$i]}.log"
  done
}
npm_ci() { # DIR: npm ci there, unless its node_modules were installed from this lock file
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] \
    || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock-copy.json"; then
    (cd "$dir" && npm ci --no-audit --no-fund --silent && cp package-lock.json node_modules/.package-lock-copy.json)
  fi
  echo "$dir: npm packages as pinned by package-lock.json"
}
# Ralph pins starlette 0.38, fastapi 0.114 and uvicorn 0.30; the app needs starlette 1.x (st.App)
# and uvicorn 0.54: so Ralph, the LRS of the xAPI tests, gets its own venv, and the app never imports it.
install_ralph() { # into .venv-ralph, when tests/lms/requirements-ralph.txt changed
  local want
  if [ ! -x .venv-ralph/bin/python ]; then "$PYTHON" -m venv --without-pip .venv-ralph; fi
  want="$(sha256sum tests/lms/requirements-ralph.txt | cut -d' ' -f1)"
  if [ "$(cat .venv-ralph/.requirements.sha256 2>/dev/null)" != "$want" ]; then
    .venv/bin/uv pip install --quiet --python .venv-ralph/bin/python -r tests/lms/requirements-ralph.txt
    echo "$want" >.venv-ralph/.requirements.sha256
  fi
  echo ".venv-ralph: Ralph (tests/lms/requirements-ralph.txt)"
}

echo "== In the background: scorm-again (npm ci in tests/lms), web-vitals (npm ci in bench/vitals), Ralph in .venv-ralph, PostgreSQL (throwaway test server on 127.0.0.1:54329)"
run_bg scorm-again npm_ci tests/lms
run_bg web-vitals npm_ci bench/vitals # for bench/vitals.py (issue 24), whose smoke test runs in tests/slow
run_bg ralph install_ralph
run_bg postgresql bash scripts/pg.sh start

echo "== Python packages (.venv, requirements.txt)"
install_packages --no-compile
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
# mypy takes the longest of the checks (about 20 s of CPU from a fresh clone, with no cache): it
# runs beside pytest at a low priority, in the CPU pytest leaves, instead of before it.
echo "== mypy (course/, settings in pyproject.toml): beside pytest, its result after pytest's"
mypy_log="$(mktemp)"
nice -n 10 .venv/bin/mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
echo "== content"
.venv/bin/python -m course validate --translations
echo "== the background installs"
wait_bg
rm -rf "$bg_dir"
export COURSE_TEST_PG_URL="${COURSE_TEST_PG_URL:-$(bash scripts/pg.sh url)}"

echo "== pytest (${COURSE_TEST_WORKERS:-3} processes; COURSE_TEST_WORKERS=0 runs it in this one)"
# Three workers on this 2-core machine: a browser test waits on Chromium's frames and the app's
# runs for much of its time (one worker alone used under half a core), so a third process fills
# that time (a set of eight browser files: 141 s against 152 s with two). A test file stays in one
# worker (--dist loadfile): a file's module-scoped server and browser are started once, and its
# tests keep their order.
pytest_status=0
.venv/bin/python -m pytest -n "${COURSE_TEST_WORKERS:-3}" --dist loadfile "$@" || pytest_status=$?
echo "== mypy's result"
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
cat "$mypy_log"
rm -f "$mypy_log"
if [ "$mypy_status" -ne 0 ]; then
  echo "error: mypy found problems (above)" >&2
fi
if [ "$pytest_status" -ne 0 ]; then
  exit "$pytest_status"
fi
exit "$mypy_status"
