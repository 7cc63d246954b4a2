# Sourced by scripts/app.sh and scripts/test.sh: make .venv with the pinned packages.
# Safe to run again: it reinstalls only when requirements.txt changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: installing Debian packages ($*) needs root; run: sudo apt-get install -y $*" >&2
    exit 1
  fi
}

apt_install() {
  need_root "$@"
  if [ ! -f /tmp/.course-apt-updated ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && touch /tmp/.course-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
# A .venv made with Python 3.11 answers without starting an interpreter (about 0.2 s of every
# start of the app; docs/performance.md, "Cold start").
if ! { [ -x .venv/bin/python ] && grep -Eq '^version = 3\.11\.' .venv/pyvenv.cfg 2>/dev/null; } &&
  ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "error: Python 3.11 is needed (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi

# `make_venv` creates .venv (Debian's python3-venv if Python lacks it): apt, so it runs before
# any background job that may use apt too. `install_packages` installs the pinned packages when
# requirements.txt changed. A caller that sets the shell variable `defer_venv=1` before sourcing
# this (scripts/test.sh) runs both itself, after starting its other installs in the background;
# otherwise they run here.
make_venv() {
  if [ ! -x .venv/bin/python ]; then
    if ! "$PYTHON" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      apt_install python3-venv
      "$PYTHON" -m venv .venv
    fi
  fi
}

# uv installs the pinned packages: it fetches them in parallel, about 10 s in a fresh clone,
# where pip fetched them one at a time in about 55 s (most of a fresh clone's setup). Itself
# pinned, and installed into .venv by pip.
UV_VERSION=0.13.10
ensure_uv() {
  if [ "$(.venv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    # (this machine's pip config may name local indexes that do not exist; pip warns and goes on)
    if ! .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" 2>&1 \
      | { grep -v "^WARNING: Location '" || true; }; then
      echo "error: installing uv $UV_VERSION into .venv failed (see pip's message above)" >&2
      exit 1
    fi
  fi
}

# `install_packages --no-compile` (scripts/test.sh) does not compile every installed module up front:
# Python compiles what a run imports, once, the first time. The app's install compiles them all,
# so a replica's first start compiles nothing.
install_packages() {
  local stamp want
  stamp=".venv/.requirements.sha256"
  want="$(sha256sum requirements.txt | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing pinned Python packages into .venv ..."
    ensure_uv
    local flags=(--quiet --python .venv/bin/python)
    [ "${1:-}" = --no-compile ] || flags+=(--compile-bytecode)
    if ! .venv/bin/uv pip install "${flags[@]}" -r requirements.txt; then
      echo "error: installing the packages in requirements.txt failed (see uv's message above)" >&2
      exit 1
    fi
    echo "$want" > "$stamp"
  fi
}

# What every PDF needs (course/html_pdf.py): WeasyPrint lays HTML out with Debian's Pango
# (libpango-1.0-0, libpangoft2-1.0-0) and finds fonts through fontconfig (fc-list tells which
# characters the installed fonts have); the fonts print a learner's name in any script on their
# certificate: DejaVu Sans, Noto Sans for the scripts DejaVu lacks, WenQuanYi Micro Hei for
# Chinese, Japanese and Korean.
PDF_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core fonts-noto-core fonts-wqy-microhei)
missing_pdf_packages() {  # prints the missing ones on one line, separated by spaces
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local p installed out=()
  # One query for all of them (one each cost about 0.2 s of every start of the app). The
  # status, not `dpkg -s`: that succeeds for a removed package whose config files remain.
  installed=" $(dpkg-query -W -f='${Package}:${Status}\n' "${PDF_PACKAGES[@]}" 2>/dev/null |
    sed -n 's/:install ok installed$//p' | tr '\n' ' ' || true)"  # (exits 1 if one is unknown)
  for p in "${PDF_PACKAGES[@]}"; do
    [[ "$installed" == *" $p "* ]] || out+=("$p")
  done
  echo "${out[*]}"
}

# Install the missing packages. `optional` (the app): without root, warn and go on, as the
# app runs without them (only the PDF downloads, facilitator packs and certificates, fail, with
# a message naming these packages). `required` (tests, replicas): without root, apt_install
# stops with the command to run.
install_pdf_packages() {
  local missing
  missing=$(missing_pdf_packages)
  [ -n "$missing" ] || return 0
  if [ "$1" = optional ] && [ "$(id -u)" -ne 0 ]; then
    echo "warning: PDF packages missing; for PDF facilitator packs and certificates run: sudo apt-get install -y $missing" >&2
    return 0
  fi
  echo "Installing what PDFs need (Debian packages): $missing" >&2
  # shellcheck disable=SC2086  # one argument per package
  apt_install $missing
}

if [ "${defer_venv:-0}" != 1 ]; then
  make_venv
  install_packages
fi
