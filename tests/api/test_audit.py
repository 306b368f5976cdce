"""The audit log: reads are recorded, the chain verifies, and tampering is found."""

from __future__ import annotations

import argparse
import csv
import io
import sqlite3
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cli.legal_commands import cmd_audit
from core.audit import AuditLog
from tests.api._legal_support import PUBLIC_WORD, Seeded, seed


@pytest.fixture
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("audit"))
    with TestClient(data.app):
        yield data


def _log(seeded: Seeded) -> AuditLog:
    return AuditLog(seeded.app.state.faldone.catalog)


def test_searches_views_and_downloads_are_recorded_with_who(seeded: Seeded) -> None:
    staff = seeded.client("staff")
    invoice = seeded.docs["invoice"].id
    assert staff.get("/api/search", params={"q": PUBLIC_WORD}).status_code == 200
    assert staff.get(f"/api/documents/{invoice}").status_code == 200
    assert staff.get(f"/api/documents/{invoice}/original", params={"download": True}).status_code == 200
    assert staff.get(f"/api/documents/{seeded.secret.id}").status_code == 404  # nothing seen, nothing logged
    entries = [e for e in reversed(_log(seeded).entries(limit=50)) if e.actor == "staff"]
    assert [(e.action, e.target) for e in entries] == [
        ("search", ""),
        ("document.view", invoice),
        ("document.download", invoice),
    ]
    assert entries[0].detail["q"] == PUBLIC_WORD


def test_api_pages_and_csv(seeded: Seeded) -> None:
    staff = seeded.client("staff")
    for _ in range(7):
        staff.get("/api/search", params={"q": PUBLIC_WORD})
    legal = seeded.client("legal")
    page = legal.get("/api/audit", params={"actor": "staff", "limit": 5}).json()
    assert page["total"] == 7 and len(page["entries"]) == 5
    ids = [e["id"] for e in page["entries"]]
    assert ids == sorted(ids, reverse=True)
    rest = legal.get("/api/audit", params={"actor": "staff", "limit": 5, "offset": 5}).json()
    assert len(rest["entries"]) == 2
    response = legal.get("/api/audit.csv", params={"action": "search"})
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="faldone-audit.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 7 and {r["actor"] for r in rows} == {"staff"}
    assert legal.get("/api/audit/verify").json()["ok"] is True


def test_the_table_refuses_updates_and_verify_names_the_first_tampered_entry(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    staff = seeded.client("staff")
    for word in ("uno", "due", "tre", "quattro"):
        staff.get("/api/search", params={"q": word})
    log = _log(seeded)
    assert log.verify().ok
    target = next(e for e in log.entries(limit=100) if e.detail.get("q") == "due")
    database = seeded.settings.data_dir / "catalog.sqlite3"
    with sqlite3.connect(database) as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit_log SET actor = 'someone' WHERE id = ?", (target.id,))
        # Someone with raw access to the file drops the guard and rewrites history.
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute(
            "UPDATE audit_log SET detail = replace(detail, '\"due\"', '\"innocuo\"') WHERE id = ?",
            (target.id,),
        )
    result = log.verify()
    assert not result.ok and result.first_bad_id == target.id
    assert cmd_audit(seeded.settings, argparse.Namespace(action="verify")) == 1
    assert f"first bad entry {target.id}" in capsys.readouterr().out


def test_a_deleted_entry_breaks_the_chain(seeded: Seeded) -> None:
    staff = seeded.client("staff")
    for word in ("uno", "due", "tre"):
        staff.get("/api/search", params={"q": word})
    log = _log(seeded)
    middle = log.entries(limit=3)[1]
    with sqlite3.connect(seeded.settings.data_dir / "catalog.sqlite3") as db:
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE id = ?", (middle.id,))
    result = log.verify()
    assert not result.ok and result.first_bad_id == middle.id


def test_audit_verify_cli_passes_on_an_intact_log(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    seeded.client("staff").get("/api/search", params={"q": PUBLIC_WORD})
    assert cmd_audit(seeded.settings, argparse.Namespace(action="verify")) == 0
    assert "intact" in capsys.readouterr().out
