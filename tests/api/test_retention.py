"""Retention: policies per category/source, dry run by default, held documents never expire."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from cli.legal_commands import cmd_retention
from core.archive import Archive
from core.catalog import Catalog
from core.users import Collections
from tests.api._legal_support import Seeded, make_doc, seed, store


@pytest.fixture
def seeded(tmp_path_factory: pytest.TempPathFactory, catalog_url: str | None) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("retention")
    data = seed(folder, catalog_url)
    archive = Archive(data.settings.archive_dir)
    old_invoice = make_doc(
        archive,
        "fattura-2010.txt",
        "public",
        "fattura vecchia",
        category="invoice",
        date=datetime(2010, 1, 5),
    )
    newsletter = make_doc(archive, "news.txt", "newsletter", "offerte del mese", date=datetime(2020, 1, 1))
    recent = make_doc(archive, "news-recent.txt", "newsletter", "offerte nuove", date=datetime.now())
    # An e-mail whose attachment has the same bytes as the old invoice: the blob must survive it.
    mail = make_doc(archive, "inoltro.txt", "newsletter", "inoltro fattura", date=datetime(2019, 1, 1))
    forwarded = make_doc(
        archive,
        "fattura-2010.txt",
        "newsletter",
        "fattura vecchia",
        parent=mail,
        data=(archive.read_bytes(old_invoice.sha256)),
    )
    store(data.settings, [[old_invoice], [newsletter], [recent], [mail, forwarded]])
    Collections(data.app.state.faldone.catalog).set("newsletter", ["office"])
    data.docs.update(
        old_invoice=old_invoice, newsletter=newsletter, recent=recent, mail=mail, forwarded=forwarded
    )
    with TestClient(data.app):
        yield data
    data.close()


def _policies(seeded: Seeded) -> None:
    """A policy for every source is an admin's; a legal user's names one source they see."""
    admin, legal = seeded.client("admin"), seeded.client("legal")
    every_source = {"name": "fatture", "category": "invoice", "years": 10, "basis": "date"}
    assert admin.put("/api/legal/retention/policies", json=every_source).status_code == 200
    one_source = {"name": "newsletter", "source_pattern": "newsletter", "years": 1}
    assert legal.put("/api/legal/retention/policies", json=one_source).status_code == 200


def test_dry_run_reports_and_deletes_nothing(seeded: Seeded) -> None:
    legal = seeded.client("legal")
    _policies(seeded)
    report = legal.get("/api/legal/retention/report").json()
    expired = {e["root_id"]: e["policy"] for e in report["expired"]}
    assert expired == {
        seeded.docs["old_invoice"].id: "fatture",
        seeded.docs["newsletter"].id: "newsletter",
        seeded.docs["mail"].id: "newsletter",
    }
    assert seeded.client("admin").get(f"/api/documents/{seeded.docs['newsletter'].id}").status_code == 200


def test_expiring_a_held_document_fails_and_the_rest_is_deleted(seeded: Seeded) -> None:
    legal, admin = seeded.client("legal"), seeded.client("admin")
    _policies(seeded)
    old = seeded.docs["old_invoice"]
    assert (
        legal.post(
            "/api/legal/matters", json={"name": "verifica fiscale", "document_ids": [old.id]}
        ).status_code
        == 201
    )
    report = admin.post("/api/legal/retention/run").json()
    assert report["applied"] is True
    assert [(e["root_id"], e["held_by"]) for e in report["held"]] == [(old.id, ["verifica fiscale"])]
    assert {e["root_id"] for e in report["expired"]} == {seeded.docs["newsletter"].id, seeded.docs["mail"].id}
    assert admin.get(f"/api/documents/{old.id}").status_code == 200
    for gone in ("newsletter", "mail", "forwarded"):
        assert admin.get(f"/api/documents/{seeded.docs[gone].id}").status_code == 404
    assert admin.get(f"/api/documents/{seeded.docs['recent'].id}").status_code == 200
    archive = Archive(seeded.settings.archive_dir)
    assert archive.exists(old.sha256), "the blob is still needed by the held invoice"
    assert not archive.exists(seeded.docs["newsletter"].sha256)
    assert admin.get("/api/search", params={"q": "offerte"}).json()["total"] == 1


def test_cli_is_a_dry_run_unless_apply(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    _policies(seeded)
    args = argparse.Namespace(action="run", apply=False, json=False)
    seeded.app.state.faldone.backend.close()  # the CLI opens its own reader and writer
    assert cmd_retention(seeded.settings, args) == 0
    assert "dry run" in capsys.readouterr().out
    catalog = Catalog(seeded.settings.resolved_catalog_url)
    assert catalog.document(seeded.docs["newsletter"].id) is not None
    assert cmd_retention(seeded.settings, argparse.Namespace(action="run", apply=True, json=False)) == 0
    assert catalog.document(seeded.docs["newsletter"].id) is None
    assert catalog.document(seeded.docs["recent"].id) is not None
    catalog.close()
