#!/usr/bin/env bash
# Run the whole test suite: lint, content validation, unit, app and store tests.
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
echo "== content"
.venv/bin/python -m course validate
echo "== Chromium (Debian package) for the browser tests"
[ -x /usr/bin/chromium ] || apt_install chromium
echo "== Pango, fontconfig and fonts for PDFs (Debian packages)"
install_pdf_packages required
echo "== PostgreSQL (throwaway test server on 127.0.0.1:54329)"
bash scripts/pg.sh start
export COURSE_TEST_PG_URL="${COURSE_TEST_PG_URL:-$(bash scripts/pg.sh url)}"
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
