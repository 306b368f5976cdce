"""Shared fixtures: a scrubbed environment, fresh settings per test, the real corpus."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from tests.services.postgres import PostgresServer, postgres_bin_dir, start_postgres

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.exists():  # a clone in another folder: shared/ sits beside the project
    CORPUS = Path(os.environ.get("FALDONE_CORPUS", Path.cwd().parent / "shared" / "corpus"))

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in list(os.environ):
        if key.startswith("FALDONE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    monkeypatch.setenv("FALDONE_NLP_PROCESSES", "1")  # servers a test starts too (see make_settings)
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    from tests.support import make_settings

    s = make_settings(tmp_path / "data")
    s.ensure_dirs()
    return s


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server per test session (Debian package, loopback port)."""
    if postgres_bin_dir() is None:
        message = "PostgreSQL is not installed (scripts/setup.sh --test installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with start_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's server for one test."""
    yield postgres_server.create_database(f"t{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.exists():
        pytest.fail(f"real corpus not found at {CORPUS}")
    return CORPUS
