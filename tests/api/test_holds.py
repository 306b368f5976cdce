"""Legal holds: a held document cannot be deleted by anyone; releasing is audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from core.archive import Archive
from core.audit import AuditLog
from tests.api._legal_support import PUBLIC_WORD, Seeded, seed


@pytest.fixture
def seeded(tmp_path_factory: pytest.TempPathFactory, catalog_url: str | None) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("holds"), catalog_url)
    with TestClient(data.app):
        yield data
    data.close()


def test_deleting_a_held_document_fails_with_409_naming_the_matter(seeded: Seeded) -> None:
    legal, admin = seeded.client("legal"), seeded.client("admin")
    invoice = seeded.docs["invoice"]
    matter = legal.post(
        "/api/legal/matters",
        json={"name": "Rossi v. ACME", "custodian": "avv. Bianchi", "document_ids": [invoice.id]},
    )
    assert matter.status_code == 201, matter.text
    for client in (legal, admin):
        refused = client.delete(f"/api/documents/{invoice.id}")
        assert refused.status_code == 409
        assert refused.json()["error"]["matters"] == ["Rossi v. ACME"]
        assert "Rossi v. ACME" in refused.json()["error"]["message"]
    assert seeded.client("staff").get(f"/api/documents/{invoice.id}").status_code == 200
    assert Archive(seeded.settings.archive_dir).exists(invoice.sha256)


def test_a_hold_by_query_covers_documents_and_release_is_audited(seeded: Seeded) -> None:
    legal = seeded.client("legal")
    letter = seeded.docs["letter"]
    matter = legal.post("/api/legal/matters", json={"name": "ritardi", "query": "ritardo"}).json()
    assert matter["documents"] == 1
    assert legal.delete(f"/api/documents/{letter.id}").status_code == 409
    shown = legal.get(f"/api/legal/matters/{matter['id']}").json()
    assert shown["document_ids"] == [letter.id]
    released = legal.post(f"/api/legal/matters/{matter['id']}/release", json={"reason": "causa chiusa"})
    assert released.status_code == 200 and released.json()["active"] is False
    again = legal.post(f"/api/legal/matters/{matter['id']}/release", json={"reason": "di nuovo"})
    assert again.status_code == 409
    deleted = legal.delete(f"/api/documents/{letter.id}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["index"] == "queued"
    actions = [(e.action, e.actor) for e in AuditLog(seeded.app.state.faldone.catalog).entries(limit=20)]
    assert ("hold.released", "legal") in actions and ("document.delete", "legal") in actions
    release = AuditLog(seeded.app.state.faldone.catalog).entries(action="hold.released")[0]
    assert release.detail["reason"] == "causa chiusa"


def test_delete_removes_catalog_index_and_blob(seeded: Seeded) -> None:
    legal, staff = seeded.client("legal"), seeded.client("staff")
    letter = seeded.docs["letter"]
    assert legal.delete(f"/api/documents/{letter.id}").status_code == 200
    assert staff.get(f"/api/documents/{letter.id}").status_code == 404
    assert staff.get("/api/search", params={"q": PUBLIC_WORD}).json()["total"] == 1
    assert not Archive(seeded.settings.archive_dir).exists(letter.sha256)


def test_hidden_documents_cannot_be_held_or_deleted_by_who_cannot_see_them(seeded: Seeded) -> None:
    legal = seeded.client("legal")
    assert legal.delete(f"/api/documents/{seeded.secret.id}").status_code == 404
    hold = legal.post("/api/legal/matters", json={"name": "x", "document_ids": [seeded.secret.id]})
    assert hold.status_code == 404
    assert seeded.client("staff").delete(f"/api/documents/{seeded.docs['invoice'].id}").status_code == 403


def test_an_attachment_is_held_with_its_family(seeded: Seeded) -> None:
    admin = seeded.client("admin")
    child = seeded.docs["secret_child"]
    assert (
        admin.post("/api/legal/matters", json={"name": "famiglia", "document_ids": [child.id]}).status_code
        == 201
    )
    assert admin.delete(f"/api/documents/{seeded.secret.id}").status_code == 409


def test_the_api_queues_the_index_deletion_for_the_worker_and_hides_it_meanwhile(seeded: Seeded) -> None:
    from index.backends import open_backend
    from legal.retention import pending_deletions, process_deletions

    catalog = seeded.app.state.faldone.catalog
    # The API never opens the index writer: a worker may hold it all along.
    writer = open_backend(seeded.settings, writer=True)
    try:
        letter = seeded.docs["letter"]
        deleted = seeded.client("legal").delete(f"/api/documents/{letter.id}")
        assert deleted.status_code == 200 and deleted.json()["index"] == "queued"
        assert pending_deletions(catalog) == [letter.id]
        admin = seeded.client("admin")
        result = admin.get("/api/search", params={"q": PUBLIC_WORD}).json()
        assert letter.id not in {h["id"] for h in result["hits"]} and result["total"] == 2
        assert process_deletions(catalog, writer) == 1  # the worker's poller
        assert pending_deletions(catalog) == []
    finally:
        writer.close()
    seeded.app.state.faldone.backend.refresh()
    assert seeded.client("admin").get("/api/search", params={"q": PUBLIC_WORD}).json()["total"] == 2
