"""Past one machine, for real: PostgreSQL + a search node + the API + three workers.

Everything here is real and on loopback: the PostgreSQL server of the test session,
the session's Elasticsearch 8.19 node, then its OpenSearch 2.19 node (built from Maven
Central jars), the API served by uvicorn and
three `faldone worker` processes sharing the queue and the archive. One worker is
killed with SIGKILL in the middle of a job; the others take over its jobs when the
lease expires, and every document ends up indexed exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from core.catalog import Catalog
from tests.conformance.cluster_node import cluster_url  # noqa: F401  (session fixture: Elasticsearch, OpenSearch)
from tests.processes import free_port, http_up, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def mixed_batch(corpus: Path) -> list[Path]:
    mails = sorted((corpus / "mail-mikel" / "plain_emails").glob("*.eml"))[:12]
    attachments = sorted((corpus / "mail-mikel" / "attachment_emails").glob("*.eml"))[:8]
    files = [
        corpus / "ingest-file" / name
        for name in (
            "udhr_ger.pdf",
            "twopage.pdf",
            "jbig2.pdf",
            "hello world word.docx",
            "test-documents.zip",
        )
    ]
    italian = sorted((corpus / "italian" / "fatturapa" / "official").glob("*.xml"))[:4]
    return mails + attachments + files + italian


def test_three_workers_one_killed_every_document_once(
    tmp_path: Path,
    corpus: Path,
    postgres_url: str,
    cluster_url: str,  # noqa: F811
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "FALDONE_DATA_DIR": str(tmp_path / "data"),
        "FALDONE_CATALOG_URL": postgres_url,
        "FALDONE_SEARCH_BACKEND": "cluster",
        "FALDONE_CLUSTER_URL": cluster_url,
        "FALDONE_CLUSTER_INDEX": f"scale-{port}",
        "FALDONE_JOB_LEASE_SECONDS": "6",
        "FALDONE_WORKER_CONCURRENCY": "1",
        "FALDONE_AUTH_DISABLED": "true",
        "FALDONE_PORT": str(port),
        "OMP_THREAD_LIMIT": "1",
    }
    python = sys.executable
    logs = tmp_path / "logs"
    logs.mkdir()
    processes: list[subprocess.Popen[bytes]] = []
    catalog: Catalog | None = None

    def spawn(name: str, *args: str) -> subprocess.Popen[bytes]:
        with (logs / f"{name}.log").open("wb") as log:
            command = [python, "-m", "cli.main", *args]
            process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
        processes.append(process)
        return process

    try:
        spawn("api", "serve", "--no-worker")
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: http_up(f"{base}/healthz"), 60, "the API")
        files = mixed_batch(corpus)
        with httpx.Client(base_url=base, timeout=60) as client:
            for path in files:
                response = client.post("/api/documents", files=[("files", (path.name, path.read_bytes()))])
                assert response.status_code == 202, response.text
        catalog = Catalog(postgres_url)
        assert catalog.status().queued == len(files)

        # The victim starts alone, so the queue is still long when it is killed and it
        # certainly holds a job; the two others start only once it is working.
        victim = spawn("worker0", "worker")
        victim_id = f"{os.uname().nodename}:{victim.pid}"

        def victim_is_working() -> bool:
            return any(job.worker_id == victim_id for job in catalog.jobs("running"))

        wait_for(lambda: catalog.status().done >= 3 and victim_is_working(), 240, "the first worker to work")
        spawn("worker1", "worker")
        spawn("worker2", "worker")
        wait_for(victim_is_working, 60, "the first worker to hold a running job")
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        wait_for(lambda: catalog.status().queued + catalog.status().running == 0, 600, "the queue to drain")

        status = catalog.status()
        assert status.done + status.failed == len(files)
        documents = catalog.count_documents()
        with httpx.Client(base_url=base, timeout=60) as client:
            total = client.get("/api/search", params={"q": "", "limit": 0}).json()["total"]
            assert total == documents, (total, documents)
            for path in files:
                hits = client.get("/api/search", params={"q": f'filename:"{path.name}" AND depth:0'}).json()
                state = {j.filename: j.state for j in catalog.jobs(limit=1000)}[path.name]
                assert hits["total"] == (1 if state == "done" else 0), (path.name, state, hits["total"])
    finally:
        if catalog is not None:
            catalog.close()
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
