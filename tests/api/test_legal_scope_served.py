"""The issue's legal-scope case on a real `faldone serve`, with real e-mails.

A legal user of group *office* once released a hold on group *hr*'s documents, set a
retention policy on a source they could not see, and saw a dry run of 0 documents
followed by a run that deleted an hr document. Here: hr's e-mail arrives through
`faldone ingest`, office's through an upload; an admin holds them in two matters.
Every read of that data is in the audit log with its query and count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api._served import catalog_of, ingest_as_hr, served
from tests.processes import wait_for

pytestmark = pytest.mark.integration

HR_MAIL = ("mail-mikel", "plain_emails", "basic_email.eml")  # dated 2008
OFFICE_MAIL = ("mail-mikel", "plain_emails", "mix_caps_content_type.eml")  # dated 2010


def _done_document(client: httpx.Client, job_id: int) -> str | None:
    for job in client.get("/api/jobs", params={"status": "done"}).json()["jobs"]:
        if job["id"] == job_id:
            found: str = job["document_id"]
            return found
    return None


def _matter(admin: httpx.Client, name: str, ids: list[str]) -> dict[str, Any]:
    created = admin.post("/api/legal/matters", json={"name": name, "document_ids": ids})
    assert created.status_code == 201, created.text
    matter: dict[str, Any] = created.json()
    return matter


def test_a_legal_user_acts_only_within_their_groups(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "data"
    ingest_as_hr(data, corpus.joinpath(*HR_MAIL))
    catalog = catalog_of(data)
    [hr_job] = catalog.jobs()
    hr_doc = hr_job.document_id
    catalog.close()
    assert hr_doc

    with served(tmp_path, data) as clients:
        staff, legal, hruser, boss = (clients[n] for n in ("staff", "legal", "hruser", "boss"))
        upload = staff.post(
            "/api/documents", files={"files": ("reclamo.eml", corpus.joinpath(*OFFICE_MAIL).read_bytes())}
        )
        assert upload.status_code == 202, upload.text
        job_id = upload.json()["jobs"][0]["job_id"]
        wait_for(lambda: _done_document(staff, job_id) is not None, 600, "the uploaded e-mail")
        office_doc = _done_document(staff, job_id)
        assert office_doc is not None

        hr_only = _matter(boss, "hr only", [hr_doc])
        mixed = _matter(boss, "mixed", [hr_doc, office_doc])
        # matters: hr's is invisible, the mixed one counts only office's document
        listed = {m["name"]: m["documents"] for m in legal.get("/api/legal/matters").json()["matters"]}
        assert listed == {"mixed": 1}
        release = {"reason": "chiusa"}
        assert legal.post(f"/api/legal/matters/{hr_only['id']}/release", json=release).status_code == 404
        refused = legal.post(f"/api/legal/matters/{mixed['id']}/release", json=release)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "out_of_scope"
        assert legal.get("/api/legal/export", params={"matter_id": mixed["id"]}).status_code == 403
        assert all(m["active"] for m in boss.get("/api/legal/matters").json()["matters"])
        for matter in (hr_only, mixed):
            assert boss.post(f"/api/legal/matters/{matter['id']}/release", json=release).status_code == 200

        # retention: no policy on hr's source, no pattern; the dry run is what the run does
        for pattern in ("cli", "c*", "*"):
            body = {"name": "p", "source_pattern": pattern, "years": 1}
            assert legal.put("/api/legal/retention/policies", json=body).status_code == 403
        everything = {"name": "everything", "years": 1, "basis": "date"}  # both e-mails are years old
        assert boss.put("/api/legal/retention/policies", json=everything).status_code == 200
        dry = legal.get("/api/legal/retention/report").json()
        assert ([e["root_id"] for e in dry["expired"]], dry["examined"]) == ([office_doc], 1)
        ran = legal.post("/api/legal/retention/run").json()
        assert [e["root_id"] for e in ran["expired"]] == [office_doc] and ran["deleted_documents"] >= 1
        assert hruser.get(f"/api/documents/{hr_doc}").status_code == 200  # hr's e-mail stays
        assert boss.get(f"/api/documents/{office_doc}").status_code == 404

        # reads of document data are audited with the query and how many items they held
        assert staff.get("/api/ui/suggest", params={"prefix": "bu"}).status_code == 200
        assert hruser.get("/api/jobs").status_code == 200
        entries = boss.get("/api/audit", params={"limit": 50}).json()["entries"]
        suggest = next(e for e in entries if e["action"] == "suggest")
        assert (suggest["actor"], suggest["detail"]["params"]) == ("staff", {"prefix": "bu"})
        assert isinstance(suggest["detail"]["count"], int)
        jobs = next(e for e in entries if e["action"] == "jobs.read" and e["actor"] == "hruser")
        assert jobs["detail"]["count"] == 1  # hr's job only, not the office upload's
