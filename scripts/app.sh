#!/usr/bin/env bash
# Run the course app on its embedded default database (SQLite under data/).
# Usage: bash scripts/app.sh            (then open http://localhost:8501)
#        PORT=8600 bash scripts/app.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
install_pdf_packages optional
# Problems are printed here; the app still starts. In production (COURSE_ENV, the default)
# it serves the last content that validated and shows the problems to trainers; in
# development it shows them to everyone (docs/authoring.md).
# The check runs beside the server's start rather than before it (about 2 s sooner to the first
# page; the server warms the same caches up on its own: docs/performance.md, "Cold start"), and
# at the lowest priority: its 2 to 3 s of CPU go to whatever the server and the browser leave.
(nice -n 19 .venv/bin/python -m course validate ||
  echo "app.sh: the content has problems (listed above); the app started anyway" >&2) &
exec .venv/bin/streamlit run streamlit_app.py \
  --server.headless true \
  --server.port "${PORT:-8501}" \
  --browser.gatherUsageStats false
