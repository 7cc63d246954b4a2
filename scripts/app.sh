#!/usr/bin/env bash
# Run the course app on its embedded default database (SQLite under data/).
# Usage: bash scripts/app.sh            (then open http://localhost:8501)
#        PORT=8600 bash scripts/app.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
missing=$(missing_pdf_fonts)
if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing fonts for certificates: $missing"
    apt_install $missing
  else
    # The app runs without them; certificates then spell names outside Latin-1 approximately.
    echo "warning: certificate fonts missing; to print every learner's name as written run: sudo apt-get install -y" $missing >&2
  fi
fi
.venv/bin/python -m course validate
exec .venv/bin/streamlit run streamlit_app.py \
  --server.headless true \
  --server.port "${PORT:-8501}" \
  --browser.gatherUsageStats false
