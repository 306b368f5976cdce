"""Documents: read one, download its original, upload new files."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict

from api.access import ANY, WRITERS, audited, require
from api.errors import BadRequest, NotFound
from api.openapi import binary_answer
from api.semantic import similar_by_meaning
from api.state import AppState, get_state
from core.archive import FileTooLarge
from core.document import Annotations, Document, EmailHeaders, Entity, Page
from core.pec_links import PecLinks, pec_links
from index.backend import Hit
from ingest.pipeline import safe_filename

__all__ = ["router"]

router = APIRouter(prefix="/api/documents", tags=["documents"])

# Shown in the browser; anything else (HTML, SVG, scripts…) is only downloaded.
_INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain")


class DocumentSummary(BaseModel):
    """A related document (parent, attachment, message of the thread)."""

    id: str
    title: str
    filename: str
    mime_type: str
    date: str | None
    sender: str

    @classmethod
    def of(cls, doc: Document) -> DocumentSummary:
        date = doc.date.isoformat() if doc.date else None
        sender = doc.email.sender if doc.email else ""
        return cls(
            id=doc.id,
            title=doc.title,
            filename=doc.filename,
            mime_type=doc.mime_type,
            date=date,
            sender=sender,
        )


class QuarantinedChild(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    filename: str
    code: str
    reason: str
    mime_type: str


class DocumentOut(BaseModel):
    """A document with its text, entities, family, thread and PEC receipts."""

    id: str
    sha256: str
    filename: str
    mime_type: str
    size: int
    source: str
    root_id: str
    parent_id: str | None
    depth: int
    title: str
    pages: list[Page]
    date: str | None
    ingested_at: str | None
    email: EmailHeaders | None
    thread_id: str | None
    metadata: dict[str, Any]
    warnings: list[str]
    annotations: Annotations
    text: str
    entities: list[Entity]
    parent: DocumentSummary | None
    children: list[DocumentSummary]
    quarantined_children: list[QuarantinedChild]
    thread: list[DocumentSummary]
    original_url: str
    pec_links: PecLinks | None


class SimilarHit(BaseModel):
    """A hit: its stored index fields (title, date, sender…) plus these."""

    model_config = ConfigDict(extra="allow")

    id: str
    score: float
    url: str


class SimilarDocuments(BaseModel):
    more_like_this: list[SimilarHit]
    # Closest in meaning, in any language (passage vectors; empty when the document has none).
    by_meaning: list[SimilarHit] = []
    duplicates: list[SimilarHit]
    near_duplicates: list[SimilarHit]


class UploadedJob(BaseModel):
    job_id: int
    filename: str
    sha256: str
    size: int
    duplicate: bool


class Uploaded(BaseModel):
    jobs: list[UploadedJob]


def _load(state: AppState, doc_id: str) -> Document:
    doc = state.catalog.document(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id}")
    return doc


@router.get(
    "/{doc_id}",
    summary="A document with its text, entities, family and thread",
    dependencies=[Depends(require(*ANY)), Depends(audited("document.view"))],
)
def get_document(doc_id: str, state: Annotated[AppState, Depends(get_state)]) -> DocumentOut:
    doc = _load(state, doc_id)
    parent = state.catalog.document(doc.parent_id) if doc.parent_id else None
    thread = state.catalog.thread(doc.thread_id) if doc.thread_id else []
    return DocumentOut.model_validate(
        {
            **doc.to_dict(),
            "annotations": replace(doc.annotations, passages=[]),  # vectors are for the index
            "text": doc.text,
            "entities": doc.annotations.entities,
            "parent": DocumentSummary.of(parent) if parent else None,
            "children": [DocumentSummary.of(c) for c in state.catalog.children(doc.id)],
            "quarantined_children": [
                QuarantinedChild.model_validate(q) for q in state.catalog.quarantine_for(doc.id)
            ],
            "thread": [DocumentSummary.of(t) for t in thread] if len(thread) > 1 else [],
            "original_url": f"/api/documents/{doc.id}/original",
            "pec_links": pec_links(state.catalog, doc),
        }
    )


@router.get(
    "/{doc_id}/similar",
    summary="More like this, exact duplicates and near-duplicates",
    dependencies=[Depends(require(*ANY)), Depends(audited("document.view"))],
)
def similar_documents(
    doc_id: str,
    state: Annotated[AppState, Depends(get_state)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SimilarDocuments:
    doc = _load(state, doc_id)
    state.backend.refresh()

    def hits(found: list[Hit]) -> list[SimilarHit]:
        return [
            SimilarHit(
                **{
                    **jsonable_encoder(h.fields),
                    "id": h.id,
                    "score": h.score,
                    "url": f"/document.html?id={h.id}",
                }
            )
            for h in found
        ]

    return SimilarDocuments(
        more_like_this=hits(state.backend.more_like_this(doc_id, limit)),
        duplicates=hits(state.backend.duplicates(doc_id)),
        near_duplicates=hits(state.backend.near_duplicates(doc_id)),
        by_meaning=hits(similar_by_meaning(state.backend, doc, limit)),
    )


@router.get(
    "/{doc_id}/original",
    dependencies=[Depends(require(*ANY)), Depends(audited("document.download"))],
    summary="The original bytes, exactly as received",
    response_class=FileResponse,
    responses=binary_answer("application/octet-stream"),
)
def get_original(
    doc_id: str, state: Annotated[AppState, Depends(get_state)], download: bool = False
) -> FileResponse:
    doc = _load(state, doc_id)
    path = state.archive.path_for(doc.sha256)
    if not path.exists():
        raise NotFound(f"the original of {doc_id} is missing from the archive")
    inline = not download and doc.mime_type in _INLINE_TYPES
    return FileResponse(
        path,
        media_type=doc.mime_type or "application/octet-stream",
        filename=safe_filename(doc.filename),
        content_disposition_type="inline" if inline else "attachment",
        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"},
    )


@router.post(
    "",
    status_code=202,
    summary="Upload files; each becomes an ingest job",
    dependencies=[Depends(require(*WRITERS)), Depends(audited("api.post"))],
)
def upload(
    state: Annotated[AppState, Depends(get_state)],
    files: Annotated[list[UploadFile], File(description="one or more files")],
) -> Uploaded:
    if not files:
        raise BadRequest("no file in the upload")
    limit = state.settings.max_upload_mb * 1024 * 1024
    jobs = []
    for upload_file in files:
        try:
            sha, size = state.archive.store_stream(upload_file.file, max_bytes=limit)
        except FileTooLarge as err:
            err.add_context(file=upload_file.filename, limit_mb=state.settings.max_upload_mb)
            raise
        name = safe_filename(upload_file.filename or "upload")
        job_id, new = state.catalog.enqueue(sha, name, "upload")
        jobs.append(UploadedJob(job_id=job_id, filename=name, sha256=sha, size=size, duplicate=not new))
    return Uploaded(jobs=jobs)
