"""Documents: read one, download its original, upload new files."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import FileResponse

from api.errors import BadRequest, NotFound, PayloadTooLarge
from api.state import AppState, get_state
from core.archive import ArchiveError
from core.document import Document
from core.pec_links import pec_links
from index.backend import Hit
from ingest.pipeline import safe_filename

__all__ = ["router"]

router = APIRouter(prefix="/api/documents", tags=["documents"])

# Shown in the browser; anything else (HTML, SVG, scripts…) is only downloaded.
_INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain")


def _summary(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "filename": doc.filename,
        "mime_type": doc.mime_type,
        "date": doc.date.isoformat() if doc.date else None,
        "sender": doc.email.sender if doc.email else "",
    }


def _load(state: AppState, doc_id: str) -> Document:
    doc = state.catalog.document(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id}")
    return doc


@router.get("/{doc_id}", summary="A document with its text, entities, family and thread")
def get_document(doc_id: str, state: Annotated[AppState, Depends(get_state)]) -> dict[str, Any]:
    doc = _load(state, doc_id)
    data = doc.to_dict()
    parent = state.catalog.document(doc.parent_id) if doc.parent_id else None
    thread = state.catalog.thread(doc.thread_id) if doc.thread_id else []
    data.update(
        text=doc.text,
        entities=[asdict(e) for e in doc.annotations.entities],
        parent=_summary(parent) if parent else None,
        children=[_summary(c) for c in state.catalog.children(doc.id)],
        quarantined_children=[
            {"filename": q.filename, "code": q.code, "reason": q.reason, "mime_type": q.mime_type}
            for q in state.catalog.quarantine_for(doc.id)
        ],
        thread=[_summary(t) for t in thread] if len(thread) > 1 else [],
        original_url=f"/api/documents/{doc.id}/original",
    )
    links = pec_links(state.catalog, doc)
    data["pec_links"] = links.to_dict() if links else None
    return data


@router.get("/{doc_id}/similar", summary="More like this, exact duplicates and near-duplicates")
def similar_documents(
    doc_id: str,
    state: Annotated[AppState, Depends(get_state)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    _load(state, doc_id)
    state.backend.refresh()

    def hits(found: list[Hit]) -> list[dict[str, Any]]:
        return [{**h.fields, "id": h.id, "score": h.score, "url": f"/document.html?id={h.id}"} for h in found]

    return {
        "more_like_this": hits(state.backend.more_like_this(doc_id, limit)),
        "duplicates": hits(state.backend.duplicates(doc_id)),
        "near_duplicates": hits(state.backend.near_duplicates(doc_id)),
    }


@router.get(
    "/{doc_id}/original", summary="The original bytes, exactly as received", response_class=FileResponse
)
def get_original(
    doc_id: str, state: Annotated[AppState, Depends(get_state)], download: bool = False
) -> FileResponse:
    doc = _load(state, doc_id)
    try:
        path = state.archive.path_for(doc.sha256)
    except ArchiveError as err:
        raise NotFound(str(err)) from err
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


@router.post("", status_code=202, summary="Upload files; each becomes an ingest job")
def upload(
    state: Annotated[AppState, Depends(get_state)],
    files: Annotated[list[UploadFile], File(description="one or more files")],
) -> dict[str, Any]:
    if not files:
        raise BadRequest("no file in the upload")
    limit = state.settings.max_upload_mb * 1024 * 1024
    jobs = []
    for upload_file in files:
        try:
            sha, size = state.archive.store_stream(upload_file.file, max_bytes=limit)
        except ArchiveError as err:
            raise PayloadTooLarge(
                f"{upload_file.filename}: {err}", limit_mb=state.settings.max_upload_mb
            ) from err
        name = safe_filename(upload_file.filename or "upload")
        job_id, new = state.catalog.enqueue(sha, name, "upload")
        jobs.append({"job_id": job_id, "filename": name, "sha256": sha, "size": size, "duplicate": not new})
    return {"jobs": jobs}
