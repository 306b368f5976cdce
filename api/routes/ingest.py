"""Ingest status, jobs and quarantine."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from api.access import ADMIN, ANY, audited, require
from api.errors import NotFound
from api.params import RowId, RowOffset
from api.state import AppState, get_state
from core.catalog import StatusCounts

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["ingest"])


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    source: str
    state: str
    mime_type: str
    attempts: int
    error_code: str
    error: str
    document_id: str | None
    documents: int
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class IngestStatus(StatusCounts):
    """The catalog's queue counts, and the newest failures."""

    recent_failures: list[JobOut]


class JobList(BaseModel):
    jobs: list[JobOut]


class Retried(BaseModel):
    retried: int


class QuarantineItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    job_id: int | None
    parent_id: str | None
    filename: str
    mime_type: str
    code: str
    reason: str
    created_at: datetime


class QuarantineList(BaseModel):
    items: list[QuarantineItem]


@router.get(
    "/ingest/status",
    summary="Queue counts, throughput, ETA and recent failures",
    dependencies=[Depends(require(*ANY))],
)
def ingest_status(state: Annotated[AppState, Depends(get_state)]) -> IngestStatus:
    failures = [JobOut.model_validate(j) for j in state.catalog.jobs("failed", limit=20)]
    return IngestStatus(**asdict(state.catalog.status()), recent_failures=failures)


@router.get(
    "/jobs",
    summary="Ingest jobs, newest first",
    dependencies=[Depends(require(*ANY)), Depends(audited("jobs.read", counted=True))],
)
def list_jobs(
    state: Annotated[AppState, Depends(get_state)],
    status: Literal["queued", "running", "done", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: RowOffset = 0,
) -> JobList:
    jobs = state.catalog.jobs(status, limit=limit, offset=offset)
    return JobList(jobs=[JobOut.model_validate(j) for j in jobs])


@router.post(
    "/jobs/{job_id}/retry",
    summary="Queue a failed job again",
    dependencies=[Depends(require(*ADMIN)), Depends(audited("api.post"))],
)
def retry_job(job_id: RowId, state: Annotated[AppState, Depends(get_state)]) -> Retried:
    if state.catalog.job(job_id) is None:
        raise NotFound(f"no job {job_id}")
    return Retried(retried=state.catalog.retry(job_ids=[job_id]))


@router.get(
    "/quarantine",
    summary="Files and attachments that could not be read, with the reason",
    dependencies=[Depends(require(*ANY)), Depends(audited("quarantine.read", counted=True))],
)
def quarantine(
    state: Annotated[AppState, Depends(get_state)], limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> QuarantineList:
    return QuarantineList(items=[QuarantineItem.model_validate(q) for q in state.catalog.quarantine(limit)])
