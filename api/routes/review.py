"""The complaint review queue: the least sure documents, confirmed or corrected in one click.

``GET /api/review?limit=20&language=it`` lists the documents the complaint model is
least sure about and nobody has corrected yet (`nlp.review`), with the thresholds in
use and how many corrections wait for the next `faldone nlp train`.
``POST /api/review/{id}`` with ``{"complaint": true|false}`` stores the reviewer's
verdict as a "complaint" correction (the same record, application and reprocessing
as ``POST /api/documents/{id}/corrections``), so the document leaves the queue and the
next training learns from it. Quality managers may review without the right to edit
other annotations.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from api.access import REVIEWERS, audited, require
from api.errors import NotFound
from api.routes.annotations import CorrectionOut, _apply_and_requeue, _user
from api.state import AppState, get_state
from core.corrections import add_correction
from nlp.review import ReviewItem, corrected_documents, review_queue, thresholds

__all__ = ["router"]

router = APIRouter(prefix="/api/review", tags=["review"], dependencies=[Depends(require(*REVIEWERS))])


class Verdict(BaseModel):
    """The reviewer's answer: is this document a complaint?"""

    complaint: bool = Field(description="true: a complaint; false: not a complaint")


class Thresholds(BaseModel):
    complaint: float
    likely_complaint: float


class ReviewQueue(BaseModel):
    thresholds: Thresholds
    considered: int
    reviewed: int = Field(description="corrections waiting for the next `faldone nlp train`")
    items: list[ReviewItem]


class Reviewed(BaseModel):
    correction: CorrectionOut
    complaint: bool
    category: str
    reprocess_job_id: int | None


@router.get(
    "",
    summary="The documents the complaint model is least sure about, least sure first",
    dependencies=[Depends(audited("review.read", counted=True))],
)
def get_queue(
    state: Annotated[AppState, Depends(get_state)],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    language: Annotated[str | None, Query(pattern="^[a-z]{2}$")] = None,
) -> ReviewQueue:
    models = state.settings.data_dir / "models"
    sources = getattr(state.catalog, "sources", None)  # a ScopedCatalog: the user's sources only
    items, considered = review_queue(
        state.catalog, limit=limit, language=language, models_dir=models, sources=sources
    )
    complaint, likely = thresholds(models)
    return ReviewQueue(
        thresholds=Thresholds(complaint=complaint, likely_complaint=likely),
        considered=considered,
        reviewed=len(corrected_documents(state.catalog)),
        items=items,
    )


@router.post(
    "/{doc_id}",
    status_code=201,
    summary="Confirm or correct a document's complaint flag",
    dependencies=[Depends(audited("api.post"))],
)
def post_verdict(
    doc_id: str, body: Verdict, request: Request, state: Annotated[AppState, Depends(get_state)]
) -> Reviewed:
    if state.catalog.document(doc_id) is None:
        raise NotFound(f"no document {doc_id}")
    record = add_correction(state.catalog, doc_id, "complaint", body.complaint, _user(request))
    doc, job_id = _apply_and_requeue(state.catalog, doc_id, record)
    return Reviewed(
        correction=CorrectionOut.model_validate(record),
        complaint=doc.annotations.complaint,
        category=doc.annotations.category,
        reprocess_job_id=job_id,
    )
