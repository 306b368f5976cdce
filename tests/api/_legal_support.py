"""A small archive with a public and a hidden collection, users of every role, and API keys.

Documents are written straight into the catalog, the archive and the index (no
extraction worker), so the access-control tests run in a second. The hidden
document carries markers that must never appear in an answer to a user who may
not see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from core.archive import Archive
from core.catalog import Catalog, JobSpec
from core.document import Annotations, Document, Page, child_id, root_id
from core.settings import Settings
from core.users import Collections, Users
from index.backends import open_backend
from tests.support import make_settings

SECRET_WORD = "zanzibarsecret"
SECRET_FILE = "stipendi-riservati.txt"
PUBLIC_WORD = "fattura"
PASSWORD = "correct horse battery staple"
ROLES = ("staff", "quality", "legal", "admin")


@dataclass
class Seeded:
    settings: Settings
    app: FastAPI
    docs: dict[str, Document] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def secret(self) -> Document:
        return self.docs["secret"]

    def markers(self) -> list[str]:
        """Strings that reveal the hidden family."""
        return [
            SECRET_WORD,
            SECRET_FILE,
            self.docs["secret"].id,
            self.docs["secret_child"].id,
            self.docs["secret"].sha256,
        ]

    def close(self) -> None:
        """Release the catalog's connections (a PostgreSQL socket must not outlive the test)."""
        self.app.state.faldone.catalog.close()

    def client(self, role: str | None = None) -> TestClient:
        client = TestClient(self.app)
        if role is not None:
            client.headers["X-API-Key"] = self.keys[role]
        return client


def make_doc(
    archive: Archive,
    name: str,
    source: str,
    text: str,
    *,
    category: str = "other",
    date: datetime | None = None,
    parent: Document | None = None,
    data: bytes | None = None,
) -> Document:
    data = data if data is not None else f"{name}\n{text}\n".encode()
    sha = archive.store_bytes(data)
    doc_id = child_id(parent.id, name) if parent else root_id(sha)
    return Document(
        id=doc_id,
        sha256=sha,
        filename=name,
        mime_type="text/plain",
        size=len(data),
        source=source,
        root_id=parent.root_id if parent else doc_id,
        parent_id=parent.id if parent else None,
        depth=1 if parent else 0,
        title=name,
        pages=[Page(1, text)],
        date=date or datetime(2024, 3, 1),
        ingested_at=datetime.now(UTC).replace(tzinfo=None),
        annotations=Annotations(language="it", category=category, sentiment=-0.5, complaint=True),
    )


def store(settings: Settings, families: list[list[Document]]) -> None:
    """Catalog and index families (root first), as a worker would."""
    catalog = Catalog(settings.resolved_catalog_url)
    backend = open_backend(settings, writer=True)
    try:
        for family in families:
            root = family[0]
            job_id, _ = catalog.enqueue(root.sha256, root.filename, root.source)
            catalog.complete(
                JobSpec(job_id, root.sha256, root.filename, root.source, "", 1), family, [], "text/plain"
            )
            backend.index(family)
        backend.commit()
    finally:
        backend.close()
        catalog.close()


def seed(folder: Path, catalog_url: str | None = None) -> Seeded:
    """The archive under `folder`; the catalog in SQLite there, or at `catalog_url` (PostgreSQL)."""
    settings = make_settings(folder / "data", auth_disabled=False, catalog_url=catalog_url)
    settings.ensure_dirs()
    archive = Archive(settings.archive_dir)
    invoice = make_doc(
        archive, "fattura-2024-118.txt", "public", f"{PUBLIC_WORD} 2024/118 reclamo rossi", category="invoice"
    )
    letter = make_doc(archive, "lettera.txt", "public", f"lettera reclamo rossi {PUBLIC_WORD} ritardo")
    secret = make_doc(
        archive, SECRET_FILE, "hr", f"{SECRET_WORD} stipendi {PUBLIC_WORD} reclamo rossi", category="invoice"
    )
    secret_child = make_doc(archive, "allegato.txt", "hr", f"{SECRET_WORD} allegato", parent=secret)
    store(settings, [[invoice], [letter], [secret, secret_child]])
    catalog = Catalog(settings.resolved_catalog_url)
    users = Users(catalog)
    collections = Collections(catalog)
    collections.set("public", ["office"])
    collections.set("h*", ["hr"])
    keys: dict[str, str] = {}
    for role in ROLES:
        users.create(role, role, ["office"], PASSWORD, must_change_password=False)
        info = users.get(role)
        assert info is not None
        keys[role] = users.create_api_key(info.id, "tests")[1]
    users.create("hruser", "staff", ["office", "hr"], PASSWORD, must_change_password=False)
    info = users.get("hruser")
    assert info is not None
    keys["hruser"] = users.create_api_key(info.id, "tests")[1]
    docs = {"invoice": invoice, "letter": letter, "secret": secret, "secret_child": secret_child}
    return Seeded(settings, create_app(settings, catalog=catalog), docs, keys)
