"""Corrections of a document's annotations: category, complaint flag, entities.

``POST /api/documents/{id}/corrections`` with ``{"kind": ..., "value": ...}`` (kinds
and values: `core.corrections`) validates the correction, stores it, applies it
to the stored document at once (so the document page and the catalog show it),
and queues the document's job again so that the search index follows; the
worker re-applies every stored correction after NLP, so corrections survive that
reprocessing and any later one. ``GET`` lists a document's corrections.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from api.access import ANY, WRITERS, audited, require
from api.errors import NotFound
from api.state import AppState, get_state
from core.catalog import Catalog, utcnow
from core.corrections import KINDS, CorrectionRecord, add_correction, corrections_for
from core.document import Document, Entity
from core.models import DocumentRow, JobRow
from nlp.corrections import InvalidCorrectionError, apply_corrections, validate_correction

__all__ = ["router"]

router = APIRouter(prefix="/api/documents", tags=["annotations"])


class CorrectionIn(BaseModel):
    """A correction as the client sends it."""

    kind: str = Field(description=f"one of {', '.join(KINDS)}")
    value: Any = Field(
        description="category name, true/false, {label, value[, text]} for entities, "
        "{name, value} for a key field, a document type"
    )


class CorrectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    document_id: str
    kind: str
    value: Any
    user: str
    created_at: datetime


class CorrectedAnnotations(BaseModel):
    category: str
    complaint: bool
    complaint_probability: float
    entities: list[Entity]


class CorrectionResult(BaseModel):
    correction: CorrectionOut
    annotations: CorrectedAnnotations
    fields: list[dict[str, Any]] = Field(description="key fields of a receipt or invoice, corrected")
    doc_type: str
    reprocess_job_id: int | None


class CorrectionList(BaseModel):
    document_id: str
    corrections: list[CorrectionOut]


def _user(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    return str(getattr(principal, "username", "") or "")


def _apply_and_requeue(
    catalog: Catalog, doc_id: str, record: CorrectionRecord
) -> tuple[Document, int | None]:
    """Apply one correction to the stored document; queue its job again. Returns (document, job id)."""
    with catalog.session() as session, session.begin():
        row = session.get(DocumentRow, doc_id)
        if row is None:
            raise NotFound(f"no document {doc_id}")
        doc = Document.from_dict(row.data)
        apply_corrections(doc, [record])
        row.data = doc.to_dict()
        row.category = doc.annotations.category
        row.complaint = doc.annotations.complaint
        row.sentiment = doc.annotations.sentiment
        job = session.get(JobRow, row.job_id) if row.job_id is not None else None
        requeued = None
        if job is not None and job.state in ("done", "failed"):
            job.state, job.attempts, job.available_at = "queued", 0, utcnow()
            requeued = job.id
        elif job is not None:
            requeued = job.id  # queued or running: the run to come re-applies the correction
    return doc, requeued


@router.post(
    "/{doc_id}/corrections",
    dependencies=[Depends(require(*WRITERS)), Depends(audited("correction"))],
    status_code=201,
    summary="Correct a document's category, complaint flag or entities",
)
def post_correction(
    doc_id: str,
    body: CorrectionIn,
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
) -> CorrectionResult:
    if state.catalog.document(doc_id) is None:
        raise NotFound(f"no document {doc_id}")
    try:
        value = validate_correction(body.kind, body.value)
    except InvalidCorrectionError as err:
        err.add_context(kind=body.kind)
        raise
    record = add_correction(state.catalog, doc_id, body.kind, value, _user(request))
    doc, job_id = _apply_and_requeue(state.catalog, doc_id, record)
    ann = doc.annotations
    annotations = CorrectedAnnotations(
        category=ann.category,
        complaint=ann.complaint,
        complaint_probability=ann.complaint_probability,
        entities=ann.entities,
    )
    return CorrectionResult(
        correction=CorrectionOut.model_validate(record),
        annotations=annotations,
        fields=doc.metadata.get("fields", []),
        doc_type=doc.metadata.get("doc_type", ""),
        reprocess_job_id=job_id,
    )


@router.get(
    "/{doc_id}/corrections",
    summary="A document's corrections, oldest first",
    dependencies=[Depends(require(*ANY)), Depends(audited("document.view"))],
)
def get_corrections(doc_id: str, state: Annotated[AppState, Depends(get_state)]) -> CorrectionList:
    if state.catalog.document(doc_id) is None:
        raise NotFound(f"no document {doc_id}")
    records = corrections_for(state.catalog, [doc_id]).get(doc_id, [])
    return CorrectionList(document_id=doc_id, corrections=[CorrectionOut.model_validate(r) for r in records])
