"""Ingest status, jobs and quarantine."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from api.errors import NotFound
from api.state import AppState, get_state
from core.models import JobRow

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["ingest"])


def _job(job: JobRow) -> dict[str, Any]:
    return {
        "id": job.id,
        "filename": job.filename,
        "source": job.source,
        "state": job.state,
        "mime_type": job.mime_type,
        "attempts": job.attempts,
        "error_code": job.error_code,
        "error": job.error,
        "document_id": job.document_id,
        "documents": job.documents,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@router.get("/ingest/status", summary="Queue counts, throughput, ETA and recent failures")
def ingest_status(state: Annotated[AppState, Depends(get_state)]) -> dict[str, Any]:
    counts = asdict(state.catalog.status())
    counts["recent_failures"] = [_job(j) for j in state.catalog.jobs("failed", limit=20)]
    return counts


@router.get("/jobs", summary="Ingest jobs, newest first")
def list_jobs(
    state: Annotated[AppState, Depends(get_state)],
    status: Literal["queued", "running", "done", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    return {"jobs": [_job(j) for j in state.catalog.jobs(status, limit=limit, offset=offset)]}


@router.post("/jobs/{job_id}/retry", summary="Queue a failed job again")
def retry_job(job_id: int, state: Annotated[AppState, Depends(get_state)]) -> dict[str, Any]:
    if state.catalog.job(job_id) is None:
        raise NotFound(f"no job {job_id}")
    return {"retried": state.catalog.retry(job_ids=[job_id])}


@router.get("/quarantine", summary="Files and attachments that could not be read, with the reason")
def quarantine(
    state: Annotated[AppState, Depends(get_state)], limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> dict[str, Any]:
    return {
        "items": [
            {
                "job_id": q.job_id,
                "parent_id": q.parent_id,
                "filename": q.filename,
                "mime_type": q.mime_type,
                "code": q.code,
                "reason": q.reason,
                "created_at": q.created_at.isoformat(),
            }
            for q in state.catalog.quarantine(limit)
        ]
    }
