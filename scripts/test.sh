#!/usr/bin/env bash
# Run the whole test suite: lint, content validation, unit, app and store tests.
# Installs what it needs (the virtual environment and pinned packages).
# Usage: bash scripts/test.sh [extra pytest arguments]
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
echo "== content"
.venv/bin/python -m course validate
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
