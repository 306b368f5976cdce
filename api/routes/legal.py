"""Legal: holds (matters), deletion, retention, exports and the audit log (legal and admin).

Holds bind everyone, so the checks that protect held documents use the unscoped
catalog and index (`state.base`); what a user is *shown* is always scoped, and
every action is limited to the sources the user may see (`api.legal_scope`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api.access import LEGAL, require
from api.errors import BadRequest, NotFound
from api.legal_scope import (
    check_policy_scope,
    matter_documents,
    matter_in_view,
    scoped_query,
    shown_to,
    user_sources,
)
from api.openapi import binary_answer, text_answer
from api.params import MAX_ROW_ID, RowId
from api.state import AppState, get_state
from core.audit import AuditEntry
from legal.export import plan_export, stream_export
from legal.holds import Holds, matching_ids
from legal.retention import Retention, RetentionReport, delete_family

__all__ = ["router"]

router = APIRouter(tags=["legal"], dependencies=[Depends(require(*LEGAL))])

State = Annotated[AppState, Depends(get_state)]
MAX_AUDIT_PAGE = 500


class MatterBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    custodian: str = Field(default="", max_length=200)
    query: str = Field(default="", max_length=4000)
    document_ids: list[str] = Field(default_factory=list, max_length=10_000)


class DocumentsBody(BaseModel):
    document_ids: list[str] = Field(min_length=1, max_length=10_000)


class ReleaseBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class PolicyBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(default="", max_length=64)
    source_pattern: str = Field(default="", max_length=255)
    years: int = Field(default=0, ge=0, le=200)
    months: int = Field(default=0, ge=0, le=2400)
    days: int = Field(default=0, ge=0, le=100_000)
    basis: str = Field(default="date", description="'date' (document date) or 'ingested_at'")


class MatterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    custodian: str
    query: str
    created_by: str
    created_at: datetime
    active: bool
    released_at: datetime | None
    released_by: str
    release_reason: str
    documents: int


class MatterList(BaseModel):
    matters: list[MatterOut]


class MatterDetail(MatterOut):
    document_ids: list[str] = Field(description="the documents held that you may see (up to `limit`)")


class Added(BaseModel):
    added: int


class Deleted(BaseModel):
    deleted: list[str] = Field(description="the family: the document and its attachments")
    index: str = Field(description="'queued': the worker removes them from the index; searches omit them now")


class PolicyOut(BaseModel):
    id: int
    name: str
    category: str
    source_pattern: str
    years: int
    months: int
    days: int
    basis: str
    created_by: str
    created_at: datetime


class PolicyList(BaseModel):
    policies: list[PolicyOut]


class ExpiredOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    root_id: str
    filename: str
    category: str
    source: str
    basis_date: datetime
    expires: datetime
    policy: str
    held_by: list[str]


class RetentionReportOut(BaseModel):
    as_of: datetime
    applied: bool
    examined: int
    expired: list[ExpiredOut]
    held: list[ExpiredOut]
    deleted_documents: int


class AuditPage(BaseModel):
    total: int
    offset: int
    limit: int
    entries: list[AuditEntry]  # the log's own records: the schema is the dataclass's


class AuditVerified(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ok: bool
    checked: int
    head_hash: str
    first_bad_id: int | None
    problem: str


def _base(state: AppState) -> AppState:
    assert state.base is not None
    return state.base


def _audit(state: AppState, action: str, target: str = "", **detail: Any) -> None:
    state.audit.record(state.principal.username, state.principal.role, action, target=target, detail=detail)


def _holds(state: AppState) -> Holds:
    """Holds as they bind: every document, whoever asks."""
    base = _base(state)
    return Holds(base.catalog, base.backend)


# -- holds -------------------------------------------------------------------------


@router.get("/api/legal/matters", summary="Legal matters and their holds")
def list_matters(state: State, include_released: bool = True) -> MatterList:
    holds = _holds(state)
    matters = holds.matters(include_released=include_released)
    if user_sources(state) is None:
        return MatterList(matters=[MatterOut.model_validate(m) for m in matters])
    shown: list[MatterOut] = []
    for matter in matters:
        visible, _ = matter_documents(state, holds, matter)
        if shown_to(state, matter, visible):  # hidden documents are never counted
            shown.append(MatterOut.model_validate(matter).model_copy(update={"documents": len(visible)}))
    return MatterList(matters=shown)


@router.post("/api/legal/matters", status_code=201, summary="Open a matter: hold documents by query or id")
def create_matter(body: MatterBody, state: State) -> MatterOut:
    ids = body.document_ids
    if any(state.catalog.document(i) is None for i in ids):
        raise NotFound("unknown documents in document_ids")
    # The snapshot of the query is taken with the creator's view, and a non-admin's query is
    # stored restricted to their sources: it binds everyone, but only within what they may see.
    holds = Holds(_base(state).catalog, state.backend)
    matter = holds.create(
        body.name,
        created_by=state.principal.username,
        description=body.description,
        custodian=body.custodian,
        query=scoped_query(body.query.strip(), user_sources(state)),
        document_ids=ids,
    )
    _audit(state, "hold.created", str(matter.id), name=matter.name, query=matter.query, documents=ids)
    return MatterOut.model_validate(matter)


@router.get("/api/legal/matters/{matter_id}", summary="A matter with the documents it holds")
def get_matter(
    matter_id: RowId, state: State, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> MatterDetail:
    matter, ids = matter_in_view(state, _holds(state), matter_id, act=False)
    found = MatterOut.model_validate(matter).model_dump()
    return MatterDetail(**{**found, "documents": len(ids), "document_ids": ids[:limit]})


@router.post("/api/legal/matters/{matter_id}/documents", summary="Hold more documents in a matter")
def add_to_matter(matter_id: RowId, body: DocumentsBody, state: State) -> Added:
    if any(state.catalog.document(i) is None for i in body.document_ids):
        raise NotFound("unknown documents in document_ids")
    matter_in_view(state, _holds(state), matter_id, act=True)
    added = _holds(state).add_documents(matter_id, body.document_ids)
    _audit(state, "hold.documents_added", str(matter_id), documents=body.document_ids)
    return Added(added=added)


@router.post("/api/legal/matters/{matter_id}/release", summary="Release a hold (audited, with a reason)")
def release_matter(matter_id: RowId, body: ReleaseBody, state: State) -> MatterOut:
    holds = _holds(state)
    matter_in_view(state, holds, matter_id, act=True)
    matter = holds.release(matter_id, released_by=state.principal.username, reason=body.reason)
    _audit(state, "hold.released", str(matter_id), name=matter.name, reason=body.reason)
    return MatterOut.model_validate(matter)


# -- deletion and retention ----------------------------------------------------------


@router.delete(
    "/api/documents/{doc_id}", tags=["documents"], summary="Delete a document with its attachments"
)
def delete_document(doc_id: str, state: State) -> Deleted:
    doc = state.catalog.document(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id}")
    base = _base(state)
    ids = delete_family(
        base.catalog,
        base.archive,
        _holds(state),
        doc_id,
        actor=state.principal.username,
        role=state.principal.role,
        audit=state.audit,
        reason="deleted by user",
    )
    # The worker removes them from the index; searches leave them out meanwhile.
    return Deleted(deleted=ids, index="queued")


def _retention(state: AppState) -> Retention:
    base = _base(state)
    return Retention(base.catalog, base.archive, _holds(state))


@router.get("/api/legal/retention/policies", summary="Retention policies")
def list_policies(state: State) -> PolicyList:
    return PolicyList.model_validate({"policies": _retention(state).policies(user_sources(state))})


@router.put("/api/legal/retention/policies", summary="Create or change a retention policy")
def set_policy(body: PolicyBody, state: State) -> PolicyOut:
    check_policy_scope(state, body.source_pattern.strip())
    existing = _retention(state).policy(body.name.strip())
    if existing is not None:
        check_policy_scope(state, existing["source_pattern"])
    policy = _retention(state).set_policy(**body.model_dump(), created_by=state.principal.username)
    _audit(state, "retention.policy_set", body.name, **body.model_dump())
    return PolicyOut.model_validate(policy)


@router.delete("/api/legal/retention/policies/{name}", status_code=204, summary="Remove a retention policy")
def delete_policy(name: str, state: State) -> Response:
    existing = _retention(state).policy(name)
    if existing is None:
        raise NotFound(f"no policy {name!r}")
    check_policy_scope(state, existing["source_pattern"])
    if not _retention(state).delete_policy(name):
        raise NotFound(f"no policy {name!r}")
    _audit(state, "retention.policy_deleted", name)
    return Response(status_code=204)


def _report_view(report: RetentionReport) -> RetentionReportOut:
    """Only the user's sources were examined (`Retention.run`): every family named is theirs."""
    return RetentionReportOut(
        as_of=report.as_of,
        applied=report.applied,
        examined=report.examined,
        expired=[ExpiredOut.model_validate(e) for e in report.expired],
        held=[ExpiredOut.model_validate(e) for e in report.held],
        deleted_documents=len(report.deleted),
    )


def _run_retention(state: AppState, *, apply: bool) -> RetentionReportOut:
    principal = state.principal
    report = _retention(state).run(
        user_sources(state), apply=apply, actor=principal.username, role=principal.role, audit=state.audit
    )
    return _report_view(report)


@router.get(
    "/api/legal/retention/report", summary="Dry run: what retention would delete now, and what holds keep"
)
def retention_report(state: State) -> RetentionReportOut:
    return _run_retention(state, apply=False)


@router.post(
    "/api/legal/retention/run", summary="Apply retention: delete expired families that no hold keeps"
)
def retention_run(state: State) -> RetentionReportOut:
    return _run_retention(state, apply=True)


# -- export ------------------------------------------------------------------------------


@router.get(
    "/api/legal/export",
    summary="ZIP of originals, text, metadata (CSV, JSON) and a SHA-256 manifest, for a query or a matter",
    response_class=StreamingResponse,
    responses=binary_answer("application/zip"),
)
def export(
    state: State,
    q: Annotated[str | None, Query(max_length=4000)] = None,
    matter_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
) -> StreamingResponse:
    if (q is None) == (matter_id is None):
        raise BadRequest("give either q (a query) or matter_id")
    if matter_id is not None:
        _, ids = matter_in_view(state, _holds(state), matter_id, act=True)
    else:
        state.backend.refresh()
        ids = [doc_id for doc_id, _ in matching_ids(state.backend, q or "", limit=20_000)]
    documents = (d for d in (state.catalog.document(i) for i in ids) if d is not None)
    plan = plan_export(documents)
    description = {"query": q, "matter_id": matter_id, "by": state.principal.username}
    _audit(
        state,
        "export",
        f"matter:{matter_id}" if matter_id is not None else "query",
        query=q,
        matter_id=matter_id,
        documents=[d.id for d in plan.documents],
        sha256=[d.sha256 for d in plan.documents],
        bytes=plan.total_bytes,
    )
    return StreamingResponse(
        stream_export(plan, state.archive, description=description),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{plan.filename}"'},
    )


# -- audit log -----------------------------------------------------------------------


def _audit_filters(
    actor: str | None, action: str | None, target: str | None, since: datetime | None, until: datetime | None
) -> dict[str, str]:
    filters = {"actor": actor or "", "action": action or "", "target": target or ""}
    if since:
        filters["since"] = since.strftime("%Y-%m-%dT%H:%M:%S")
    if until:
        filters["until"] = until.strftime("%Y-%m-%dT%H:%M:%S.999999Z")
    return filters


@router.get("/api/audit", tags=["audit"], summary="Audit entries, newest first")
def audit_entries(
    state: State,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_AUDIT_PAGE)] = 100,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    target: Annotated[str | None, Query(max_length=255)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditPage:
    log = state.audit
    filters = _audit_filters(actor, action, target, since, until)
    entries = log.entries(offset=offset, limit=limit, **filters)
    return AuditPage(
        total=log.count(**filters),
        offset=offset,
        limit=limit,
        entries=entries,
    )


@router.get(
    "/api/audit.csv",
    tags=["audit"],
    summary="The audit log as CSV (oldest first)",
    response_class=StreamingResponse,
    responses=text_answer("text/csv"),
)
def audit_csv(
    state: State,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    target: Annotated[str | None, Query(max_length=255)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> StreamingResponse:
    filters = _audit_filters(actor, action, target, since, until)
    _audit(state, "audit.exported", filters=filters)
    return StreamingResponse(
        state.audit.iter_csv(**filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="faldone-audit.csv"'},
    )


@router.get("/api/audit/verify", tags=["audit"], summary="Check the hash chain of the whole audit log")
def audit_verify(state: State) -> AuditVerified:
    return AuditVerified.model_validate(state.audit.verify())
