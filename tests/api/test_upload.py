"""Upload over HTTP and the watched inbox: both end as searchable documents."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from core.catalog import Catalog
from core.settings import Settings
from ingest.sources import scan_inbox
from tests.support import make_settings, run_worker


def test_upload_then_search(settings: Settings, corpus: Path) -> None:
    pdf = corpus / "ingest-file" / "udhr_ger.pdf"
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/documents", files=[("files", ("../../evil/udhr.pdf", pdf.read_bytes()))])
        assert response.status_code == 202, response.text
        job = response.json()["jobs"][0]
        assert job["filename"] == "udhr.pdf"  # no path components survive
        assert not job["duplicate"]
        again = client.post("/api/documents", files=[("files", ("copy.pdf", pdf.read_bytes()))])
        assert again.json()["jobs"][0]["duplicate"] is True
        assert client.get("/api/ingest/status").json()["queued"] == 1
        run_worker(settings)
        status = client.get("/api/ingest/status").json()
        assert status["done"] == 1 and status["queued"] == 0
        result = client.get("/api/search", params={"q": "Menschenrechte"}).json()
        assert [h["filename"] for h in result["hits"]] == ["udhr.pdf"]


def test_upload_size_limit(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", max_upload_mb=1)
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/documents", files=[("files", ("big.bin", b"x" * (2 * 1024 * 1024)))])
        assert response.status_code == 413
        assert client.get("/api/ingest/status").json()["queued"] == 0


def test_failed_file_is_quarantined_with_reason_and_can_be_retried(settings: Settings, corpus: Path) -> None:
    with TestClient(create_app(settings)) as client:
        encrypted = (corpus / "ingest-file" / "password-hunter2.pdf").read_bytes()
        client.post("/api/documents", files=[("files", ("secret.pdf", encrypted))])
        run_worker(settings)
        failures = client.get("/api/ingest/status").json()["recent_failures"]
        assert len(failures) == 1
        assert "password" in failures[0]["error"].lower()
        job_id = failures[0]["id"]
        assert client.post(f"/api/jobs/{job_id}/retry").json() == {"retried": 1}
        assert client.get("/api/ingest/status").json()["queued"] == 1


def test_inbox_files_are_picked_up_once(settings: Settings, corpus: Path) -> None:
    inbox = settings.inbox_dir
    shutil.copy(corpus / "ingest-file" / "utf.txt", inbox / "nota.txt")
    catalog = Catalog(settings.resolved_catalog_url)
    assert scan_inbox(settings, catalog) == 1
    assert scan_inbox(settings, catalog) == 0
    run_worker(settings)
    assert catalog.status().done == 1
