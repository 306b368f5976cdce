"""The search cluster goes down in the middle of an ingest, then comes back.

A real Elasticsearch 8.19 node of this test's own (stopped and restarted on the same
port and data), a real `faldone worker` process and the real API: while the node is down,
search, metrics and /readyz answer 503 with a clear message, the worker keeps its jobs
queued (an outage quarantines nothing); once the node is back the worker resumes, and
every file ends up indexed exactly once.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.errors import SEARCH_UNAVAILABLE
from core.catalog import Catalog
from ingest.sources import enqueue_paths
from tests.conformance.cluster_node import node_url
from tests.processes import wait_for
from tests.services.elasticsearch import start_elasticsearch
from tests.services.opensearch import OpenSearchNode
from tests.support import make_settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_node(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[OpenSearchNode]]:
    """A node only this test stops (the list holds the running one: restarting replaces it)."""
    node_url("elasticsearch", tmp_path_factory)  # the session's node: built, CDS archive ready, or fail/skip
    nodes = [start_elasticsearch(tmp_path / "es")]
    yield nodes
    nodes[-1].stop()


def test_cluster_outage_mid_ingest(tmp_path: Path, corpus: Path, own_node: list[OpenSearchNode]) -> None:
    node = own_node[0]
    # enough mail that the worker is still busy when the node stops: indexing runs beside
    # extraction (ingest/nlp_stage.py), so a short queue can drain before the test gets there
    mails = sorted((corpus / "mail-mikel").rglob("*.eml"))
    files = list({hashlib.sha256(p.read_bytes()).hexdigest(): p for p in mails}.values())  # one per content
    settings = make_settings(
        tmp_path / "data",
        search_backend="cluster",
        cluster_url=node.url,
        cluster_index="outage",
        worker_concurrency=1,
        cluster_connect_timeout=60,
    )
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    report = enqueue_paths(files, settings, catalog)
    assert report.queued == len(files)

    env = {
        **os.environ,
        "FALDONE_DATA_DIR": str(settings.data_dir),
        "FALDONE_SEARCH_BACKEND": "cluster",
        "FALDONE_CLUSTER_URL": node.url,
        "FALDONE_CLUSTER_INDEX": "outage",
        "FALDONE_WORKER_CONCURRENCY": "1",
        "FALDONE_AUTH_DISABLED": "true",
        "OMP_THREAD_LIMIT": "1",
    }
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker"], env=env, cwd=ROOT, stdout=log, stderr=log
        )
    try:
        wait_for(lambda: catalog.status().done >= 3, 240, "the first jobs to be indexed")
        with TestClient(create_app(settings)) as api:
            assert api.get("/api/search", params={"q": ""}).status_code == 200

            node.stop()  # the whole cluster is down now
            for path in (
                "/api/search?q=fattura",
                "/api/metrics/sentiment?interval=week",
                "/api/metrics/trend?interval=month",
            ):
                answer = api.get(path)
                assert answer.status_code == 503, (path, answer.text)
                assert answer.json()["error"] == {"code": "search_unavailable", "message": SEARCH_UNAVAILABLE}
                assert answer.headers["Retry-After"]
            ready = api.get("/readyz")
            assert (ready.status_code, ready.json()["search"]) == (503, "unavailable")

            # the worker notices, puts its jobs back and waits: nothing is quarantined
            wait_for(
                lambda: any(j.error_code == "index_unavailable" for j in catalog.jobs("queued", limit=1000)),
                120,
                "the worker to put a job back in the queue",
            )
            done_while_down = catalog.status().done
            assert catalog.status().failed == 0
            assert worker.poll() is None

            own_node.append(start_elasticsearch(node.workdir, node.port))  # same port, same data
            wait_for(
                lambda: catalog.status().queued + catalog.status().running == 0, 600, "the queue to drain"
            )
            status = catalog.status()
            assert (status.done, status.failed) == (len(files), 0)
            assert done_while_down < len(files)  # the outage really was mid-ingest

            wait_for(lambda: api.get("/readyz").status_code == 200, 60, "the API to be ready again")
            total = api.get("/api/search", params={"q": "", "limit": 0}).json()["total"]
            assert total == catalog.count_documents()
            for file in files:  # every file once: nothing lost, nothing twice
                found = api.get("/api/search", params={"q": f'filename:"{file.name}" AND depth:0'}).json()
                assert found["total"] == 1, (file.name, found["total"])
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
        catalog.close()
    log_text = (tmp_path / "worker.log").read_text(errors="replace")
    assert "search index unavailable" in log_text and "search index is back" in log_text, log_text[-3000:]
    assert "quarantined" not in log_text
