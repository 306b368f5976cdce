"""The schema belongs to Alembic: models == migrations, and a 0.1 catalog upgrades.

Every test runs on SQLite and on a real PostgreSQL server. `compare_metadata` is
what ``alembic revision --autogenerate`` runs: an empty diff means the migrations
build exactly the tables, columns and indexes of `core.models`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DatabaseError

from core.audit import AuditLog
from core.catalog import Catalog
from core.document import Document
from core.migrations import alembic_config
from core.models import Base
from tests.services.postgres import postgres_bin_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO_ROOT / "tests" / "data" / "schema"
FIRST_USE_TABLES = ("saved_searches", "corrections", "customers")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def _diff(url: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _head(catalog: Catalog) -> str | None:
    return ScriptDirectory.from_config(alembic_config(catalog.engine)).get_current_head()


def _load_snapshot(url: str, without: tuple[str, ...] = ()) -> None:
    """Create the 0.1 schema in the empty database at `url` from the kept snapshot."""
    if url.startswith("sqlite"):
        sql = (SNAPSHOTS / "faldone-0.1.sqlite.sql").read_text()
        for table in without:
            sql = re.sub(rf"CREATE (TABLE|INDEX \w+ ON) {table} \((.|\n)*?\);\n", "", sql)
        with sqlite3.connect(make_url(url).database or "") as connection:
            connection.executescript(sql)
        return
    sql = (SNAPSHOTS / "faldone-0.1.postgresql.sql").read_text()
    parsed = make_url(url)
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None
    command = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(parsed.port), "-U", "postgres"]
    command += ["-d", str(parsed.database), "-v", "ON_ERROR_STOP=1", "-q"]
    drops = "".join(f"DROP TABLE public.{table};\n" for table in without)
    subprocess.run(command, input=sql + drops, text=True, check=True, capture_output=True)


def _insert_0_1_document(url: str) -> Document:
    doc = Document(
        id="d" * 32,
        sha256="a" * 64,
        filename="lettera.txt",
        mime_type="text/plain",
        size=5,
        source="",
        root_id="d" * 32,
        ingested_at=datetime(2026, 1, 2, 3, 4, 5),
    )
    engine = create_engine(url)
    values = {
        "id": doc.id, "sha256": doc.sha256, "root_id": doc.id, "filename": doc.filename,
        "mime_type": doc.mime_type, "size": doc.size, "source": "", "title": "", "language": "",
        "category": "", "complaint": False, "sentiment": 0.0, "ingested_at": doc.ingested_at,
        "data": json.dumps(doc.to_dict()),
    }  # fmt: skip
    columns = ", ".join(values)
    with engine.begin() as connection:
        connection.execute(
            text(f"INSERT INTO documents ({columns}) VALUES ({', '.join(':' + c for c in values)})"), values
        )
    engine.dispose()
    return doc


def _audit_is_append_only(catalog: Catalog) -> None:
    AuditLog(catalog).record("tester", "admin", "test.entry")
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), catalog.engine.begin() as connection:
            connection.execute(text(statement))
    assert AuditLog(catalog).verify().ok


def test_a_new_catalog_is_built_by_the_migrations_alone(empty_url: str) -> None:
    catalog = Catalog(empty_url)
    try:
        assert _revision(empty_url) == _head(catalog)
        assert _diff(empty_url) == []  # autogenerate would find nothing: models == migrations
        _audit_is_append_only(catalog)
    finally:
        catalog.close()


@pytest.mark.parametrize("first_use_tables", ["present", "missing"])
def test_a_0_1_catalog_upgrades_and_keeps_its_data(empty_url: str, first_use_tables: str) -> None:
    _load_snapshot(empty_url, without=FIRST_USE_TABLES if first_use_tables == "missing" else ())
    assert _revision(empty_url) == "0001"
    assert _diff(empty_url) != [] if first_use_tables == "missing" else True
    doc = _insert_0_1_document(empty_url)
    catalog = Catalog(empty_url)  # upgrades at start
    try:
        assert _revision(empty_url) == _head(catalog) != "0001"
        assert _diff(empty_url) == []
        kept = catalog.document(doc.id)
        assert kept is not None and kept.filename == "lettera.txt"
        _audit_is_append_only(catalog)
    finally:
        catalog.close()


def test_only_migrations_create_tables() -> None:
    """No `create_all` (or table.create) in the application: the schema is Alembic's."""
    offenders = []
    for package in ("core", "index", "nlp", "ingest", "legal", "api", "cli"):
        for path in (REPO_ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if re.search(r"\.create_all\(|__table__\.create\(", source):
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []
