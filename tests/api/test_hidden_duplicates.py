"""Bytes identical to a document the uploader may not see (real `faldone serve`, real e-mail).

Before, the upload answered ``duplicate: true`` with the hidden document's job id. Now
the uploader's source gets a document of its own (its own id, their file name, its
attachments), recorded in `document_sources`; the other group's document and job are
never named, and deleting one copy leaves the other whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.document import root_id, source_copy_id
from tests.api._served import catalog_of, ingest_as_hr, served
from tests.processes import wait_for

pytestmark = pytest.mark.integration

MY_NAME = "mia-copia.eml"
WORD = "attachment"  # in the e-mail's subject and body


def _upload(client: httpx.Client, data: bytes) -> dict[str, Any]:
    answer = client.post("/api/documents", files={"files": (MY_NAME, data, "message/rfc822")})
    assert answer.status_code == 202, answer.text
    jobs: list[dict[str, Any]] = answer.json()["jobs"]
    assert len(jobs) == 1
    return jobs[0]


def _done(client: httpx.Client, job_id: int) -> dict[str, Any] | None:
    for job in client.get("/api/jobs", params={"status": "done"}).json()["jobs"]:
        if job["id"] == job_id:
            found: dict[str, Any] = job
            return found
    return None


def test_a_duplicate_of_a_hidden_document_becomes_the_uploaders_own(tmp_path: Path, corpus: Path) -> None:
    original = corpus / "ingest-file" / "email_attached_plaintext.eml"
    data_bytes = original.read_bytes()
    data = tmp_path / "data"
    ingest_as_hr(data, original)
    catalog = catalog_of(data)
    [hidden_job] = catalog.jobs()
    hidden_doc = catalog.document(root_id(hidden_job.sha256))
    assert hidden_doc is not None and hidden_doc.source == "cli"
    hidden_children = [c.id for c in catalog.children(hidden_doc.id)]
    catalog.close()
    assert hidden_children, "the attached e-mail is a child document"
    secrets = [hidden_doc.id, hidden_doc.filename, *hidden_children]

    with served(tmp_path, data) as clients:
        staff, hruser, legal = clients["staff"], clients["hruser"], clients["legal"]

        job = _upload(staff, data_bytes)
        assert job["duplicate"] is False and job["job_id"] != hidden_job.id
        wait_for(lambda: _done(staff, job["job_id"]) is not None, 600, "the uploader's own document")
        done = _done(staff, job["job_id"])
        assert done is not None
        mine = done["document_id"]
        assert mine == source_copy_id(hidden_doc.sha256, "upload") != hidden_doc.id

        document = staff.get(f"/api/documents/{mine}")
        assert document.status_code == 200, document.text
        shown = document.json()
        assert (shown["source"], shown["filename"]) == ("upload", MY_NAME)
        tree = staff.get(f"/api/ui/documents/{mine}/tree").json()
        assert tree["children"], "the attachment is the uploader's too"
        # the same word finds the uploader's copy for them and the original for hr
        mine_found = staff.get("/api/search", params={"q": WORD}).json()
        hr_found = hruser.get("/api/search", params={"q": WORD}).json()
        assert mine in {h["id"] for h in mine_found["hits"]}
        assert {h["source"] for h in mine_found["hits"]} == {"upload"}
        assert hidden_doc.id in {h["id"] for h in hr_found["hits"]} and mine not in str(hr_found)
        # nothing of the other group's document, anywhere the uploader looks (its id is the
        # start of the SHA-256 of the bytes, which the uploader has: only whole values count)
        seen = json.dumps([job, shown, tree, mine_found, staff.get("/api/jobs").json()])
        assert not [secret for secret in secrets if json.dumps(secret) in seen]
        assert hidden_job.id not in {j["id"] for j in staff.get("/api/jobs").json()["jobs"]}
        assert staff.get(f"/api/documents/{hidden_doc.id}").status_code == 404

        again = _upload(staff, data_bytes)  # now a duplicate of their own document
        assert (again["duplicate"], again["job_id"]) == (True, job["job_id"])

        # deleting the uploader's copy leaves hr's document, its original bytes and its job
        assert legal.delete(f"/api/documents/{mine}").status_code == 200
        assert staff.get(f"/api/documents/{mine}").status_code == 404
        assert hruser.get(f"/api/documents/{hidden_doc.id}").status_code == 200
        blob = hruser.get(f"/api/documents/{hidden_doc.id}/original", params={"download": True})
        assert blob.status_code == 200 and blob.content == data_bytes
        catalog = catalog_of(data)
        assert catalog.job(hidden_job.id) is not None
        catalog.close()
