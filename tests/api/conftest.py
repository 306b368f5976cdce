"""An archive ingested once per module from real corpus files, and an API client on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import Settings
from tests.support import ingest_into, make_settings


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


# Users, holds, retention, audit and export are tested on both catalogs.
CATALOGS = ["sqlite", "postgresql"]


def _catalog_url(request: pytest.FixtureRequest) -> str | None:
    """None: the default SQLite file; else a fresh database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return None
    server = request.getfixturevalue("postgres_server")
    url: str = server.create_database(f"t{uuid.uuid4().hex[:12]}")
    return url


@pytest.fixture(params=CATALOGS)
def catalog_url(request: pytest.FixtureRequest) -> str | None:
    return _catalog_url(request)


@pytest.fixture(scope="module", params=CATALOGS)
def module_catalog_url(request: pytest.FixtureRequest) -> str | None:
    return _catalog_url(request)
