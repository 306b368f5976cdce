"""The first start of four API processes on an empty PostgreSQL database.

Compose starts the API as `faldone serve --no-worker --workers 4` (four uvicorn processes,
each building its app) against a fresh database: the schema is set up once (the others
wait on an advisory lock) and exactly one `admin` is created, whose one-time password is
printed exactly once; no process crashes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from core.catalog import Catalog
from core.users import Users
from tests.conformance.cluster_node import elasticsearch_url  # noqa: F401  (session fixture)
from tests.processes import free_port, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_four_api_processes_create_one_admin(
    tmp_path: Path,
    postgres_url: str,
    elasticsearch_url: str,  # noqa: F811
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "FALDONE_DATA_DIR": str(tmp_path / "data"),
        "FALDONE_CATALOG_URL": postgres_url,
        "FALDONE_SEARCH_BACKEND": "cluster",
        "FALDONE_CLUSTER_URL": elasticsearch_url,
        "FALDONE_CLUSTER_INDEX": f"first-{port}",
        "FALDONE_PORT": str(port),
        "OMP_THREAD_LIMIT": "1",
    }
    log_path = tmp_path / "api.log"
    with log_path.open("wb") as log:
        api = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--no-worker", "--workers", "4"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
    try:
        wait_for(
            lambda: log_path.read_text(errors="replace").count("Application startup complete") >= 4,
            180,
            "4 workers",
        )
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10).status_code == 200
    finally:
        api.send_signal(signal.SIGTERM)
        try:
            api.wait(30)
        except subprocess.TimeoutExpired:
            api.kill()
    text = log_path.read_text(errors="replace")
    assert "Traceback" not in text and "IntegrityError" not in text, text[-4000:]
    assert text.count("First run: created user 'admin'") == 1, text[-4000:]
    assert len(re.findall(r"Started server process \[\d+\]", text)) >= 4
    catalog = Catalog(postgres_url)
    users = Users(catalog)
    assert users.count() == 1
    catalog.close()
