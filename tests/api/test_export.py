"""Exports: a streamed ZIP whose SHA-256 manifest matches the originals; scoped; audited."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from core.archive import Archive
from core.audit import AuditLog
from legal.export import ExportTooLarge, plan_export, zip_safe_name
from tests.api._legal_support import PUBLIC_WORD, SECRET_FILE, SECRET_WORD, Seeded, make_doc, seed, store


@pytest.fixture
def seeded(tmp_path_factory: pytest.TempPathFactory, catalog_url: str | None) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("export"), catalog_url)
    archive = Archive(data.settings.archive_dir)
    evil = make_doc(archive, "../../etc/passwd", "public", f"{PUBLIC_WORD} nome malevolo")
    store(data.settings, [[evil]])
    data.docs["evil"] = evil
    with TestClient(data.app):
        yield data
    data.close()


def _zip(response: object) -> zipfile.ZipFile:
    content = getattr(response, "content", b"")
    return zipfile.ZipFile(io.BytesIO(content))


def test_manifest_hashes_match_the_originals(seeded: Seeded) -> None:
    response = seeded.client("legal").get("/api/legal/export", params={"q": PUBLIC_WORD})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="faldone-export-') and disposition.endswith('.zip"')
    archive = _zip(response)
    assert archive.testzip() is None
    names = archive.namelist()
    assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)
    manifest = {}
    for line in archive.read("manifest-sha256.txt").decode().splitlines():
        digest, name = line.split("  ", 1)
        manifest[name] = digest
    assert set(manifest) == set(names) - {"manifest-sha256.txt"}
    for name, digest in manifest.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    records = json.loads(archive.read("metadata.json"))["documents"]
    store = Archive(seeded.settings.archive_dir)
    for record in records:
        assert manifest[record["original"]] == record["sha256"]
        assert archive.read(record["original"]) == store.read_bytes(record["sha256"])
    rows = list(csv.DictReader(io.StringIO(archive.read("metadata.csv").decode())))
    assert {r["id"] for r in rows} == {r["id"] for r in records}
    evil = seeded.docs["evil"]
    assert f"originals/{evil.id}_passwd" in names


def test_export_shows_only_visible_documents_and_is_audited(seeded: Seeded) -> None:
    legal = seeded.client("legal")
    archive = _zip(legal.get("/api/legal/export", params={"q": f"{PUBLIC_WORD} OR {SECRET_WORD}"}))
    everything = b"".join(archive.read(n) for n in archive.namelist()) + " ".join(archive.namelist()).encode()
    for marker in (SECRET_FILE, seeded.secret.id, seeded.secret.sha256, "stipendi"):
        assert marker.encode() not in everything
    assert legal.get("/api/legal/export", params={"q": SECRET_WORD}).status_code == 404
    entry = AuditLog(seeded.app.state.faldone.catalog).entries(action="export", limit=1)[0]
    assert entry.actor == "legal" and seeded.secret.id not in entry.detail["documents"]
    assert len(entry.detail["sha256"]) == len(entry.detail["documents"]) == 3
    assert seeded.client("staff").get("/api/legal/export", params={"q": PUBLIC_WORD}).status_code == 403


def test_export_of_a_matter(seeded: Seeded) -> None:
    admin = seeded.client("admin")
    matter = admin.post(
        "/api/legal/matters", json={"name": "personale", "document_ids": [seeded.secret.id]}
    ).json()
    archive = _zip(admin.get("/api/legal/export", params={"matter_id": matter["id"]}))
    assert f"originals/{seeded.secret.id}_stipendi-riservati.txt" in archive.namelist()
    # legal cannot see the hr collection: the matter's export holds nothing for them
    assert (
        seeded.client("legal").get("/api/legal/export", params={"matter_id": matter["id"]}).status_code == 404
    )


def test_limits_are_checked_before_the_first_byte(seeded: Seeded) -> None:
    with pytest.raises(ExportTooLarge):
        plan_export(seeded.docs.values(), max_bytes=10)
    with pytest.raises(ExportTooLarge):
        plan_export(seeded.docs.values(), max_documents=2)
    assert seeded.client("legal").get("/api/legal/export").status_code == 400


def test_zip_safe_names() -> None:
    assert zip_safe_name("../../etc/passwd") == "passwd"
    assert zip_safe_name("..\\..\\boot.ini") == "boot.ini"
    assert zip_safe_name("...") == "unnamed"
    assert zip_safe_name("a\x00b<c>.pdf") == "a_b_c_.pdf"
    assert len(zip_safe_name("x" * 500 + ".pdf")) <= 120 and zip_safe_name("x" * 500 + ".pdf").endswith(
        ".pdf"
    )
