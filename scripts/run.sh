#!/usr/bin/env bash
# One command: install everything, then start Faldone on its embedded default
# (tantivy + SQLite, no servers) at http://127.0.0.1:8000 with a worker.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMP_THREAD_LIMIT=1
exec .venv/bin/faldone serve
