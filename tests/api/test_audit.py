"""The audit log: reads are recorded, the chain verifies, and tampering is found."""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text
from sqlalchemy.exc import DatabaseError

from cli.legal_commands import cmd_audit
from core.audit import AuditLog
from tests.api._legal_support import PUBLIC_WORD, Seeded, seed


@pytest.fixture
def seeded(tmp_path_factory: pytest.TempPathFactory, catalog_url: str | None) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("audit"), catalog_url)
    with TestClient(data.app):
        yield data
    data.close()


def _drop_guard(db: Connection, statement: str) -> None:
    """What someone with raw access to the database could do: switch the append-only trigger off."""
    if db.dialect.name == "sqlite":
        db.execute(text(f"DROP TRIGGER audit_log_no_{statement}"))
    else:
        db.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))


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
    catalog = seeded.app.state.faldone.catalog
    with pytest.raises(DatabaseError, match="append-only"), catalog.engine.begin() as db:
        db.execute(text("UPDATE audit_log SET actor = 'someone' WHERE id = :id"), {"id": target.id})
    # Someone with raw access to the database drops the guard and rewrites history.
    with catalog.engine.begin() as db:
        _drop_guard(db, "update")
        db.execute(
            text("UPDATE audit_log SET detail = replace(detail, '\"due\"', '\"innocuo\"') WHERE id = :id"),
            {"id": target.id},
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
    catalog = seeded.app.state.faldone.catalog
    with pytest.raises(DatabaseError, match="append-only"), catalog.engine.begin() as db:
        db.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": middle.id})
    with catalog.engine.begin() as db:
        _drop_guard(db, "delete")
        db.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": middle.id})
    result = log.verify()
    assert not result.ok and result.first_bad_id == middle.id


def test_audit_verify_cli_passes_on_an_intact_log(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    seeded.client("staff").get("/api/search", params={"q": PUBLIC_WORD})
    assert cmd_audit(seeded.settings, argparse.Namespace(action="verify")) == 0
    assert "intact" in capsys.readouterr().out


def test_every_read_of_document_data_is_recorded_with_query_and_count(seeded: Seeded) -> None:
    """Suggestions, facets, every metric (JSON and CSV), open complaints, jobs, quarantine, review."""
    quality, staff = seeded.client("quality"), seeded.client("staff")
    domains = {"company_domains": "acme.it"}
    reads = [
        (staff, "/api/search", {"q": PUBLIC_WORD}, "search"),
        (staff, "/api/ui/suggest", {"prefix": "fat"}, "suggest"),
        (staff, "/api/ui/facets", {"q": PUBLIC_WORD}, "facets"),
        (staff, "/api/jobs", {"status": "done"}, "jobs.read"),
        (staff, "/api/quarantine", {}, "quarantine.read"),
        (staff, "/api/review", {}, "review.read"),
        (staff, "/api/documents/export/fields.csv", {"q": PUBLIC_WORD}, "search"),
        (quality, "/api/metrics/trend", {"q": PUBLIC_WORD, "interval": "month"}, "metrics.read"),
        (quality, "/api/metrics/trend", {"q": PUBLIC_WORD, "format": "csv"}, "metrics.read"),
        (quality, "/api/metrics/breakdown", {"q": PUBLIC_WORD}, "metrics.read"),
        (quality, "/api/metrics/entities", {}, "metrics.read"),
        (quality, "/api/metrics/response-time", domains, "metrics.read"),
        (quality, "/api/metrics/open-complaints", domains, "metrics.read"),
        (quality, "/api/metrics/open-complaints", {**domains, "format": "csv"}, "metrics.read"),
        (quality, "/api/metrics/sentiment", {"interval": "month"}, "metrics.read"),
    ]
    for client, path, params, action in reads:
        before = _log(seeded).count()
        answer = client.get(path, params=params)
        assert answer.status_code == 200, (path, answer.text[:200])
        assert _log(seeded).count() == before + 1, f"{path} was not audited"
        entry = _log(seeded).entries(limit=1)[0]
        assert (entry.action, entry.detail["path"]) == (action, path)
        assert entry.actor == ("quality" if client is quality else "staff") and entry.at
        if action == "search":
            assert entry.detail["q"] == PUBLIC_WORD
        else:
            assert entry.detail.get("params", {}) == {k: str(v) for k, v in params.items()}
        assert isinstance(entry.detail["count"], int), (path, entry.detail)
        if answer.headers["content-type"].startswith("text/csv"):
            assert entry.detail["count"] == max(0, answer.text.count("\n") - 1)
        if path == "/api/jobs":
            assert entry.detail["count"] == len(answer.json()["jobs"]) == 2  # the hidden job not counted
        if path == "/api/search":
            assert entry.detail["count"] == answer.json()["total"] == 2  # the hidden one not counted


@pytest.mark.parametrize(
    ("path", "params", "secret"),
    [
        ("/api/ui/suggest", {"prefix": "fat"}, "fattura"),  # audited by the middleware
        ("/api/search", {"q": PUBLIC_WORD}, '"hits"'),  # audited by the route itself
    ],
)
def test_a_counted_read_is_withheld_when_its_entry_cannot_be_written(
    seeded: Seeded, path: str, params: dict[str, str], secret: str
) -> None:
    staff = seeded.client("staff")
    assert secret in staff.get(path, params=params).text  # what the failure must hide
    catalog = seeded.app.state.faldone.catalog
    with catalog.session() as s, s.begin():
        s.execute(text("DROP TABLE audit_log"))
    answer = staff.get(path, params=params)
    assert answer.status_code == 500 and answer.json()["error"]["code"] == "audit_unavailable"
    assert secret not in answer.text
