#!/usr/bin/env bash
# Run the whole test suite: lint, type check, content validation, then every test layer.
# Installs what it needs: the virtual environment, pinned packages, and PostgreSQL from
# Debian's packages for the store tests, Chromium for the browser tests, and Pango, fontconfig
# and fonts for the PDFs (run as root, or install the Debian packages postgresql, chromium,
# libpango-1.0-0, libpangoft2-1.0-0, fontconfig, fonts-dejavu-core, fonts-noto-core and
# fonts-wqy-microhei first).
# Usage: bash scripts/test.sh [extra pytest arguments]
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
# mypy takes the longest of the checks (about 20 s of CPU from a fresh clone, with no cache):
# it runs in the background while the rest is checked and installed, and its result is
# printed, and fails the run, before pytest starts.
echo "== mypy (course/, settings in pyproject.toml): in the background, result before pytest"
mypy_log="$(mktemp)"
.venv/bin/mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
echo "== content"
.venv/bin/python -m course validate --translations
echo "== Chromium (Debian package) for the browser tests"
[ -x /usr/bin/chromium ] || apt_install chromium
echo "== Pango, fontconfig and fonts for PDFs (Debian packages)"
install_pdf_packages required
echo "== The LMS tests: scorm-again (npm ci in tests/lms) and Ralph, an LRS, in .venv-ralph; web-vitals (npm ci in bench/vitals)"
# Node and npm from Debian for scorm-again, the SCORM 1.2 runtime the SCORM tests use as the LMS.
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
if [ ! -f tests/lms/node_modules/.package-lock.json ] \
  || ! cmp -s tests/lms/package-lock.json tests/lms/node_modules/.package-lock-copy.json; then
  (cd tests/lms && npm ci --no-audit --no-fund --silent && cp package-lock.json node_modules/.package-lock-copy.json)
fi
# web-vitals for bench/vitals.py (issue 24), whose smoke test runs in tests/slow: pinned by its lock file.
if [ ! -f bench/vitals/node_modules/.package-lock.json ] \
  || ! cmp -s bench/vitals/package-lock.json bench/vitals/node_modules/.package-lock-copy.json; then
  (cd bench/vitals && npm ci --no-audit --no-fund --silent && cp package-lock.json node_modules/.package-lock-copy.json)
fi
# Ralph pins starlette 0.38, fastapi 0.114 and uvicorn 0.30; the app needs starlette 1.x (st.App)
# and uvicorn 0.54: so Ralph gets its own venv, and the app never imports it.
if [ ! -x .venv-ralph/bin/python ]; then "$PYTHON" -m venv .venv-ralph; fi
ralph_want="$(sha256sum tests/lms/requirements-ralph.txt | cut -d' ' -f1)"
# (installed in the background, beside mypy, in a fresh clone: about 15 s; its result is
# checked before pytest with mypy's)
ralph_pid=""
ralph_log="$(mktemp)"
if [ "$(cat .venv-ralph/.requirements.sha256 2>/dev/null)" != "$ralph_want" ]; then
  (
    set -o pipefail
    .venv-ralph/bin/python -m pip install -q --disable-pip-version-check -r tests/lms/requirements-ralph.txt 2>&1 \
      | { grep -v "^WARNING: Location '" || true; }
    echo "$ralph_want" > .venv-ralph/.requirements.sha256
  ) >"$ralph_log" 2>&1 &
  ralph_pid=$!
fi
echo "== PostgreSQL (throwaway test server on 127.0.0.1:54329)"
bash scripts/pg.sh start
export COURSE_TEST_PG_URL="${COURSE_TEST_PG_URL:-$(bash scripts/pg.sh url)}"
if [ -n "$ralph_pid" ]; then
  echo "== Ralph's install"
  if ! wait "$ralph_pid"; then
    cat "$ralph_log"
    echo "error: installing Ralph (tests/lms/requirements-ralph.txt) into .venv-ralph failed" >&2
    exit 1
  fi
  cat "$ralph_log"
fi
rm -f "$ralph_log"
echo "== mypy's result"
if ! wait "$mypy_pid"; then
  cat "$mypy_log"
  rm -f "$mypy_log"
  exit 1
fi
cat "$mypy_log"
rm -f "$mypy_log"
echo "== pytest (${COURSE_TEST_WORKERS:-2} processes; COURSE_TEST_WORKERS=0 runs it in this one)"
# One worker a core (this machine has two). A test file stays in one worker (--dist loadfile): a
# file's module-scoped server and browser are started once, and its tests keep their order.
exec .venv/bin/python -m pytest -n "${COURSE_TEST_WORKERS:-2}" --dist loadfile "$@"
