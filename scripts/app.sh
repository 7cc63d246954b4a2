#!/usr/bin/env bash
# Run the course app on its embedded default database (SQLite under data/).
# Usage: bash scripts/app.sh            (then open http://localhost:8501)
#        PORT=8600 bash scripts/app.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
install_pdf_packages optional
.venv/bin/python -m course validate
exec .venv/bin/streamlit run streamlit_app.py \
  --server.headless true \
  --server.port "${PORT:-8501}" \
  --browser.gatherUsageStats false
