"""Corrections: validated, applied, and surviving a reprocess (unit level and through the API)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes import annotations as annotation_routes
from core.catalog import Catalog
from core.corrections import CorrectionRecord, corrections_for
from core.document import Document, Entity, Page
from core.models import JobRow
from core.settings import Settings
from index.backend import SearchRequest
from index.backends import open_backend
from ingest.sources import enqueue_paths
from ingest.worker import Worker
from nlp.annotate import Annotator
from nlp.corrections import InvalidCorrectionError, apply_corrections, validate_correction

TEXT = (
    "Gentile Cliente, la newsletter di maggio: sconti fino al 30% su tutto il catalogo. "
    "Gentile Cliente Rossi, contattaci a promo@example.it."
)


def _record(kind: str, value: object, n: int = 1) -> CorrectionRecord:
    return CorrectionRecord(n, "d", kind, value, "tester", datetime(2025, 1, n))


def _doc() -> Document:
    return Document(
        id="d",
        sha256="d" * 64,
        filename="d.txt",
        mime_type="text/plain",
        size=len(TEXT),
        source="test",
        root_id="d",
        pages=[Page(number=1, text=TEXT)],
    )


def test_validation() -> None:
    assert validate_correction("category", "invoice_payment") == "invoice_payment"
    assert validate_correction("complaint", True) is True
    assert validate_correction("entity_add", {"label": "org", "value": " Rossi S.r.l. "}) == {
        "label": "ORG",
        "value": "Rossi S.r.l.",
    }
    for kind, value in [
        ("category", "spam"),
        ("complaint", "yes"),
        ("entity_add", {"label": "WEAPON", "value": "x"}),
        ("entity_remove", {"label": "ORG", "value": ""}),
        ("entity_remove", "ORG"),
        ("rename", "x"),
    ]:
        with pytest.raises(InvalidCorrectionError):
            validate_correction(kind, value)


def test_corrections_survive_reannotation() -> None:
    doc = _doc()
    annotator = Annotator(english_ner=False)
    annotator.annotate([doc])
    assert doc.annotations.category == "newsletter_marketing" and not doc.annotations.complaint
    assert any(e.label == "EMAIL" for e in doc.annotations.entities)
    corrections = [
        _record("category", "complaint", 1),
        _record("complaint", True, 2),
        _record("entity_add", {"label": "PERSON", "value": "Rossi", "text": "Cliente Rossi"}, 3),
        _record("entity_remove", {"label": "EMAIL", "value": "PROMO@example.it"}, 4),
    ]
    for _ in range(2):  # a reprocess: fresh annotations, then the stored corrections again
        annotator.annotate([doc])
        apply_corrections(doc, corrections)
        ann = doc.annotations
        assert ann.category == "complaint" and ann.complaint and ann.complaint_probability == 1.0
        assert not any(e.label == "EMAIL" for e in ann.entities)
        (person,) = [e for e in ann.entities if e.source == "user"]
        assert (person.label, person.value, person.text) == ("PERSON", "Rossi", "Cliente Rossi")
        assert TEXT[person.start : person.end] == "Cliente Rossi"


def test_annotator_applies_stored_corrections() -> None:
    doc = _doc()
    stored = {"d": [_record("complaint", True)]}
    Annotator(english_ner=False, corrections=lambda ids: {i: stored[i] for i in ids if i in stored}).annotate(
        [doc]
    )
    assert doc.annotations.complaint and doc.annotations.category == "complaint"


def test_later_complaint_false_leaves_the_complaint_category() -> None:
    doc = _doc()
    Annotator(english_ner=False).annotate([doc])
    apply_corrections(doc, [_record("complaint", True, 1), _record("complaint", False, 2)])
    assert not doc.annotations.complaint and doc.annotations.category == "other"


# -- through the API and a real worker -------------------------------------------


def _run_worker(settings: Settings) -> None:
    catalog = Catalog(settings.resolved_catalog_url)
    backend = open_backend(settings, writer=True)
    try:
        Worker(settings, catalog, backend, annotator=Annotator.from_settings(settings, catalog)).run(
            until_empty=True
        )
    finally:
        backend.close()
        catalog.close()


@pytest.fixture
def indexed(settings: Settings, corpus: Path) -> Iterator[tuple[Settings, str]]:
    catalog = Catalog(settings.resolved_catalog_url)
    report = enqueue_paths([corpus / "ingest-file" / "email_multipart_alternative.eml"], settings, catalog)
    assert report.job_ids
    _run_worker(settings)
    job = catalog.job(report.job_ids[0])
    assert job is not None and job.state == "done" and job.document_id
    catalog.close()
    yield settings, job.document_id


def test_correction_api_survives_reprocessing(indexed: tuple[Settings, str]) -> None:
    settings, doc_id = indexed
    app = create_app(settings)
    app.include_router(annotation_routes.router)
    with TestClient(app) as client:
        before = client.get(f"/api/documents/{doc_id}").json()["annotations"]
        target = "contract_legal" if before["category"] != "contract_legal" else "other"

        bad = client.post(f"/api/documents/{doc_id}/corrections", json={"kind": "category", "value": "spam"})
        assert bad.status_code == 400
        missing = client.post("/api/documents/nope/corrections", json={"kind": "complaint", "value": True})
        assert missing.status_code == 404

        answer = client.post(
            f"/api/documents/{doc_id}/corrections", json={"kind": "category", "value": target}
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["annotations"]["category"] == target and body["reprocess_job_id"]
        added = client.post(
            f"/api/documents/{doc_id}/corrections",
            json={"kind": "entity_add", "value": {"label": "ORG", "value": "Faldone Test S.r.l."}},
        )
        assert added.status_code == 201
        listed = client.get(f"/api/documents/{doc_id}/corrections").json()["corrections"]
        assert [c["kind"] for c in listed] == ["category", "entity_add"]
        # applied to the stored document at once
        now = client.get(f"/api/documents/{doc_id}").json()["annotations"]
        assert now["category"] == target
        assert any(e["value"] == "Faldone Test S.r.l." for e in now["entities"])

    catalog = Catalog(settings.resolved_catalog_url)
    with catalog.session() as session:
        job = session.get(JobRow, body["reprocess_job_id"])
        assert job is not None and job.state == "queued"
    _run_worker(settings)  # the reprocess: extraction and NLP from scratch, then the corrections again
    doc = catalog.document(doc_id)
    assert doc is not None and doc.annotations.category == target
    assert any(e.source == "user" and e.value == "Faldone Test S.r.l." for e in doc.annotations.entities)
    assert len(corrections_for(catalog, [doc_id])[doc_id]) == 2
    catalog.close()
    backend = open_backend(settings, writer=False)
    try:
        hits = backend.search(SearchRequest(query=f"category:{target}", limit=10)).hits
        assert doc_id in [hit.id for hit in hits]
    finally:
        backend.close()


def test_entities_of_the_user_keep_their_offsets() -> None:
    doc = _doc()
    Annotator(english_ner=False).annotate([doc])
    apply_corrections(doc, [_record("entity_add", {"label": "ORG", "value": "Not In Text"})])
    (user,) = [e for e in doc.annotations.entities if e.source == "user"]
    assert (user.start, user.end) == (0, 0)
    assert isinstance(user, Entity)
