"""An archive ingested once per module from real corpus files, and an API client on it."""

from __future__ import annotations

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
