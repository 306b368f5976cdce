"""`faldone ingest | worker | status | jobs` and `GET /api/ingest/status`, through `cli.main.main`.

Retry of failed jobs (all, by id, by type) and reprocessing after a settings
change work from the archived originals: nothing is uploaded again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cli.main import main
from core.catalog import Catalog
from core.settings import load_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("FALDONE_DATA_DIR", str(folder))
    monkeypatch.setenv("FALDONE_WORKER_CONCURRENCY", "2")
    monkeypatch.setenv("FALDONE_AUTH_DISABLED", "true")  # single-user mode: no API key needed
    monkeypatch.setenv("COLUMNS", "200")  # rich tables: room for file names
    return folder


def states(catalog: Catalog) -> dict[str, tuple[str, int]]:
    return {job.filename: (job.state, job.attempts) for job in catalog.jobs(limit=100)}


@pytest.mark.integration
@pytest.mark.slow
def test_jobs_list_retry_reprocess_and_status(
    data_dir: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = corpus / "ingest-file"
    monkeypatch.setenv("FALDONE_OCR_ENABLED", "false")
    paths = [
        files / "twopage.pdf",
        files / "password-hunter2.pdf",
        files / "badzip.zip",
        files / "hello_world_tiff.tif",
        corpus / "mail-mikel/plain_emails/basic_email.eml",
    ]
    assert main(["ingest", *map(str, paths)]) == 0
    out = capsys.readouterr().out
    assert "5 queued" in out and "3 files indexed" in out and "2 files in quarantine" in out

    catalog = Catalog(load_settings().resolved_catalog_url)
    assert states(catalog)["password-hunter2.pdf"] == ("failed", 1)
    assert main(["jobs", "--state", "failed"]) == 0
    listed = capsys.readouterr().out
    assert "password-hunter2.pdf" in listed and "badzip.zip" in listed and "twopage.pdf" not in listed
    assert "password-protected PDF" in listed

    # retry by type: only the PDF goes back to the queue
    assert main(["jobs", "retry", "--type", "application/pdf"]) == 0
    assert "1 jobs queued again" in capsys.readouterr().out
    assert states(catalog)["password-hunter2.pdf"] == ("queued", 0)
    assert states(catalog)["badzip.zip"] == ("failed", 1)
    assert main(["status"]) == 0
    status = capsys.readouterr().out
    assert "queued: 1" in status and "failed: 1" in status
    assert main(["worker", "--until-empty"]) == 0
    capsys.readouterr()
    assert states(catalog)["password-hunter2.pdf"] == ("failed", 1)  # still encrypted, reason kept

    # retry by id
    zip_id = next(job.id for job in catalog.jobs(limit=100) if job.filename == "badzip.zip")
    assert main(["jobs", "retry", str(zip_id)]) == 0
    assert "1 jobs queued again" in capsys.readouterr().out
    assert states(catalog)["badzip.zip"] == ("queued", 0)
    assert main(["worker", "--until-empty"]) == 0

    # OCR was off: the image has no text; turn it on and reprocess without uploading again
    tiff = next(job for job in catalog.jobs(limit=100) if job.filename == "hello_world_tiff.tif")
    document = catalog.document(tiff.document_id or "")
    assert document is not None and not document.pages[0].text.strip()
    documents_before = catalog.count_documents()
    monkeypatch.setenv("FALDONE_OCR_ENABLED", "true")
    assert main(["jobs", "reprocess"]) == 0
    assert "5 jobs queued for reprocessing" in capsys.readouterr().out
    assert main(["worker", "--until-empty"]) == 0
    document = catalog.document(tiff.document_id or "")
    assert document is not None and "HELLO WORLD" in document.pages[0].text
    assert catalog.count_documents() == documents_before  # the same documents, updated in place
    assert {state for state, _ in states(catalog).values()} == {"done", "failed"}

    from api.app import create_app

    with TestClient(create_app(load_settings())) as client:
        response = client.get("/api/ingest/status")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["queued"], body["running"], body["done"], body["failed"]) == (0, 0, 3, 2)
    assert body["eta_seconds"] == 0.0 and body["documents"] >= 3
    assert {job["filename"] for job in body["recent_failures"]} == {"password-hunter2.pdf", "badzip.zip"}
    assert all(job["error"] for job in body["recent_failures"])
    catalog.close()
