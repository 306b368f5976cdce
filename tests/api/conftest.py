"""An archive ingested once per module from real corpus files, and an API client on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.catalog import Catalog
from core.settings import Settings
from index.backends import open_backend
from ingest.sources import enqueue_paths
from ingest.worker import Worker


def ingest_into(settings: Settings, paths: list[Path]) -> list[int]:
    """Queue `paths` and run a worker until the queue is empty; returns the job ids."""
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    report = enqueue_paths(paths, settings, catalog)
    backend = open_backend(settings, writer=True)
    try:
        Worker(settings, catalog, backend).run(until_empty=True)
    finally:
        backend.close()
        catalog.close()
    return report.job_ids


def make_settings(folder: Path) -> Settings:
    return Settings(data_dir=folder, worker_concurrency=2, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def mail_archive(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Settings:
    settings = make_settings(tmp_path_factory.mktemp("mail") / "data")
    ingest_into(
        settings,
        [
            corpus / "mail-mikel",
            corpus / "ingest-file" / "udhr_ger.pdf",
            corpus / "ingest-file" / "email_attached_plaintext.eml",
            corpus / "ingest-file" / "twopage.pdf",
        ],
    )
    return settings


@pytest.fixture(scope="module")
def client(mail_archive: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(mail_archive)) as test_client:
        yield test_client
