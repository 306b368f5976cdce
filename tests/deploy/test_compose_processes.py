"""docker-compose.yml's services, run as plain processes on loopback.

Docker cannot run containers on the machines that build Faldone, so this test takes the
api and worker services from `docker-compose config` (the commands and the environment,
credentials included) and runs them as processes against real servers on 127.0.0.1:
the session's PostgreSQL and Elasticsearch 8.19 nodes stand in for the `postgres` and
`elasticsearch` services (their host names are the only values replaced, with the data
folder that stands in for the shared volume and one port per API instance).
Two API instances (`--scale api=2`) and two workers: files are uploaded through one API,
searched through the other; then one API and one worker are restarted and everything
still answers, every file indexed once.
"""

from __future__ import annotations

import functools
import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from core.catalog import Catalog
from core.users import Users
from tests.conformance.cluster_node import elasticsearch_url  # noqa: F401  (session fixture)
from tests.deploy.test_compose import compose_config
from tests.processes import free_port, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FALDONE = Path(sys.executable).parent / "faldone"


def compose_services(tmp_path: Path) -> dict[str, Any]:
    result = compose_config(tmp_path)
    assert result.returncode == 0, result.stderr
    services: dict[str, Any] = yaml.safe_load(result.stdout)["services"]
    return services


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def test_compose_services_as_processes(
    tmp_path: Path,
    corpus: Path,
    postgres_url: str,
    elasticsearch_url: str,  # noqa: F811
) -> None:
    services = compose_services(tmp_path)
    api_env: dict[str, str] = {k: str(v) for k, v in services["api"]["environment"].items()}
    worker_env: dict[str, str] = {k: str(v) for k, v in services["worker"]["environment"].items()}
    # what compose passes: credentials through their own settings, never in the URL
    assert worker_env["FALDONE_CLUSTER_URL"] == "http://elasticsearch:9200"
    assert worker_env["FALDONE_CLUSTER_USERNAME"] == "elastic"
    assert worker_env["FALDONE_CLUSTER_PASSWORD"] == "change-me-too"  # from .env.example
    assert services["api"]["command"][:3] == ["faldone", "serve", "--no-worker"]
    assert services["worker"]["command"] == ["faldone", "worker"]

    stand_ins = {
        "FALDONE_CATALOG_URL": postgres_url,  # was postgres:5432
        "FALDONE_CLUSTER_URL": elasticsearch_url,  # was elasticsearch:9200
        "FALDONE_DATA_DIR": str(tmp_path / "volume"),  # the shared archive volume
        "FALDONE_HOST": "127.0.0.1",
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    processes: dict[str, subprocess.Popen[bytes]] = {}

    def spawn(name: str, service: str, environment: dict[str, str], extra: dict[str, str]) -> None:
        command = [str(FALDONE), *services[service]["command"][1:]]
        if service == "api":  # one uvicorn process per instance here: 2 cores
            command[command.index("--workers") + 1] = "1"
        env = {**os.environ, **environment, **stand_ins, **extra}
        with (logs / f"{name}.log").open("ab") as log:
            processes[name] = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=log)

    ports = {"api1": free_port(), "api2": free_port()}
    try:
        for name, port in ports.items():
            spawn(name, "api", api_env, {"FALDONE_PORT": str(port)})
        for name in ("worker1", "worker2"):
            spawn(name, "worker", worker_env, {})
        bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        for base in bases.values():
            wait_for(functools.partial(_ready, f"{base}/readyz"), 180, f"{base}/readyz")

        catalog = Catalog(postgres_url)
        users = Users(catalog)
        assert users.count() == 1  # the first start created exactly one admin
        users.create("tester", "admin", password="Tester-password-2026!")
        tester = users.get("tester")
        assert tester is not None
        _, key = users.create_api_key(tester.id, "compose test")
        headers = {"Authorization": f"Bearer {key}"}

        def upload(paths: list[Path], base: str) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                for path in paths:
                    answer = client.post("/api/documents", files=[("files", (path.name, path.read_bytes()))])
                    assert answer.status_code == 202, answer.text

        def search(base: str, query: str) -> int:
            answer = httpx.get(
                f"{base}/api/search", params={"q": query, "limit": 0}, headers=headers, timeout=60
            )
            assert answer.status_code == 200, answer.text
            return int(answer.json()["total"])

        drained: Callable[[], bool] = lambda: catalog.status().queued + catalog.status().running == 0  # noqa: E731
        first = sorted((corpus / "mail-mikel" / "plain_emails").glob("*.eml"))[:8]
        upload(first, bases["api1"])
        wait_for(drained, 300, "the first files")
        assert search(bases["api2"], "") == catalog.count_documents() > 0

        # restart one of each: an API instance (SIGTERM, as `docker compose restart`) and a worker (crash)
        processes["api1"].send_signal(signal.SIGTERM)
        processes["api1"].wait(30)
        processes["worker1"].send_signal(signal.SIGKILL)
        processes["worker1"].wait(30)
        assert search(bases["api2"], "") > 0  # the other API instance keeps answering
        spawn("api1", "api", api_env, {"FALDONE_PORT": str(ports["api1"])})
        spawn("worker1", "worker", worker_env, {})
        wait_for(lambda: _ready(f"{bases['api1']}/readyz"), 180, "the restarted API")

        seen = {hashlib.sha256(p.read_bytes()).digest() for p in first}
        candidates = sorted((corpus / "mail-mikel" / "attachment_emails").glob("*.eml"))
        second = [p for p in candidates if hashlib.sha256(p.read_bytes()).digest() not in seen][:6]
        upload(second, bases["api1"])
        wait_for(drained, 300, "the second files")
        status = catalog.status()
        assert status.done + status.failed == len(first) + len(second)
        total = catalog.count_documents()
        assert search(bases["api1"], "") == search(bases["api2"], "") == total
        for path in first + second:  # each file once
            assert search(bases["api2"], f'filename:"{path.name}" AND depth:0') == 1, path.name
        catalog.close()
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    text = "".join((logs / f).read_text(errors="replace") for f in os.listdir(logs))
    assert "change-me-too" not in text  # the cluster password never reaches a log line
    assert text.count("First run: created user 'admin'") == 1
