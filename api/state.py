"""The objects every request needs, scoped to the person who makes it.

The app factory builds one `AppState` with the real catalog and index. Every route
takes ``state: Annotated[AppState, Depends(get_state)]``; `get_state` answers with
a per-request copy whose `catalog` and `backend` only ever show documents the
principal may see (see `core.users` for collections and groups):

- `ScopedBackend` adds a filter on the `source` field to every search, histogram
  and count, server-side, whatever the route asks; more-like-this and duplicates
  are filtered the same way; writes are refused.
- `ScopedCatalog` returns only visible documents: a hidden document is `None`
  (a 404), exactly like a missing one; jobs and quarantine are filtered by source.

Both fail closed: a method of `SearchBackend` or `Catalog` that they do not
know raises instead of answering unfiltered, and ``tests/api/test_authz.py``
fails when the interfaces gain a method the scopes have not learnt.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from fastapi import Request
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from api.errors import Unauthenticated
from core.archive import Archive
from core.audit import AuditLog
from core.catalog import Catalog, StatusCounts, utcnow
from core.document import Document
from core.models import DocumentRow, JobRow, QuarantineRow
from core.settings import Settings
from core.users import LOCAL_ADMIN, Collections, Principal
from index.backend import (
    FacetBucket,
    HistogramBucket,
    Hit,
    Interval,
    PassageMatch,
    SearchBackend,
    SearchRequest,
    SearchResult,
)
from index.query.cost import check_query_cost
from index.query.parser import parse
from index.timing import StageClock
from legal.retention import pending_deletions

__all__ = ["AppState", "ScopedBackend", "ScopedCatalog", "Unauthenticated", "get_state", "scoped_state"]


MAX_OFFSET = 10_000_000


@dataclass
class AppState:
    settings: Settings
    catalog: Catalog
    archive: Archive
    backend: SearchBackend
    principal: Principal = field(default=LOCAL_ADMIN)
    # The unscoped objects, for the legal routes that must see every hold (never for output).
    base: AppState | None = None

    @property
    def audit(self) -> AuditLog:
        return AuditLog(self.catalog)


def visible_sources(catalog: Catalog, principal: Principal) -> list[str] | None:
    """Sources this principal may see; None means everything (admins)."""
    if principal.sees_everything:
        return None
    with catalog.session() as s:
        sources = list(s.scalars(select(DocumentRow.source).distinct()))
    return Collections(catalog).visible_sources(principal, sources)


class ScopedBackend(SearchBackend):
    """A read-only view of the index restricted to some sources (None: all of them)."""

    name = "scoped"

    def __init__(self, inner: SearchBackend, sources: list[str] | None, catalog: Catalog) -> None:
        self.inner = inner
        self.sources = sources
        self.catalog = catalog

    def _scoped(self, request: SearchRequest, clock: StageClock | None = None) -> SearchRequest | None:
        clock = clock or StageClock()
        # Parsed once here; the cost check and the engine work on this tree.
        tree = parse(request.query) if request.tree is None else request.tree
        check_query_cost(request, tree)
        clock.lap("parse")
        filters = {k: list(v) for k, v in request.filters.items()}
        if self.sources is not None:
            wanted = filters.get("source")
            allowed = [s for s in wanted if s in self.sources] if wanted is not None else list(self.sources)
            if not allowed:
                return None
            filters["source"] = allowed
        # Deleted from the catalog, not yet from the index: the engine leaves them out.
        gone = request.exclude_ids | frozenset(pending_deletions(self.catalog))
        clock.lap("catalog")
        return replace(request, filters=filters, tree=tree, exclude_ids=gone)

    def _visible(self, hits: list[Hit]) -> list[Hit]:
        if self.sources is None:
            return hits
        allowed = set(self.sources)
        return [h for h in hits if h.fields.get("source") in allowed]

    def _doc_visible(self, doc_id: str) -> bool:
        if self.sources is None:
            return True
        with self.catalog.session() as s:
            source = s.scalar(select(DocumentRow.source).where(DocumentRow.id == doc_id))
        return source is not None and source in self.sources

    def search(self, request: SearchRequest) -> SearchResult:
        clock = StageClock()
        scoped = self._scoped(request, clock)
        if scoped is None:
            return SearchResult(total=0, hits=[], facets={f: list[FacetBucket]() for f in request.facets})
        result = self.inner.search(scoped)
        result.timings = {**clock.timings, **result.timings}
        return result

    def histogram(self, request: SearchRequest, interval: Interval) -> list[HistogramBucket]:
        scoped = self._scoped(request)
        return [] if scoped is None else self.inner.histogram(scoped, interval)

    def keyword_ranking(self, request: SearchRequest) -> SearchResult:
        return self.search(request)  # scoped like every search

    def matching_ids(self, request: SearchRequest, ids: Collection[str]) -> set[str]:
        scoped = self._scoped(request)
        return set() if scoped is None else self.inner.matching_ids(scoped, ids)

    def count(self) -> int:
        return self.search(SearchRequest(limit=0, highlight=False)).total

    def more_like_this(self, doc_id: str, limit: int = 10) -> list[Hit]:
        if not self._doc_visible(doc_id):
            return []
        return self._visible(self.inner.more_like_this(doc_id, limit))

    def duplicates(self, doc_id: str) -> list[Hit]:
        return self._visible(self.inner.duplicates(doc_id)) if self._doc_visible(doc_id) else []

    def near_duplicates(self, doc_id: str) -> list[Hit]:
        return self._visible(self.inner.near_duplicates(doc_id)) if self._doc_visible(doc_id) else []

    def refresh(self) -> None:
        self.inner.refresh()

    def close(self) -> None:
        """The shared index stays open; the app closes it."""

    def _refuse(self, *_: Any, **__: Any) -> None:
        raise PermissionError("the API reads the index; only the worker writes it")

    index = delete = commit = clear = start_rebuild = finish_rebuild = _refuse

    def nearest_passages(self, vector: list[float], k: int) -> list[PassageMatch]:
        """Refused: passages of every source; search with `mode` instead (checked per document)."""
        raise PermissionError("nearest passages are unscoped; use search with mode=semantic")


class ScopedCatalog(Catalog):
    """The catalog as one principal may see it. Shares the engine of the real catalog."""

    # Methods inherited unchanged: they show no document (checked by tests/api/test_authz.py).
    PASSTHROUGH = frozenset(
        {
            "session",
            "is_sqlite",
            "seen",
            "mark_seen",
            "pending",
            "close",
            "imap_cursor",
            "set_imap_cursor",
            "stalled_seconds",
        }
    )

    def __init__(self, inner: Catalog, sources: list[str] | None) -> None:  # no super().__init__: shared
        self.url = inner.url
        self.engine = inner.engine
        self._sessions = inner._sessions
        self.inner = inner
        self.sources = sources

    def close(self) -> None:
        """The shared engine stays open."""

    def _ok(self, source: str | None) -> bool:
        return self.sources is None or (source is not None and source in self.sources)

    def _docs(self, docs: list[Document]) -> list[Document]:
        return [d for d in docs if self._ok(d.source)]

    def document(self, doc_id: str) -> Document | None:
        doc = self.inner.document(doc_id)
        return doc if doc is not None and self._ok(doc.source) else None

    def children(self, doc_id: str) -> list[Document]:
        return self._docs(self.inner.children(doc_id)) if self.document(doc_id) else []

    def thread(self, thread_id: str) -> list[Document]:
        return self._docs(self.inner.thread(thread_id))

    def quarantine_for(self, parent_id: str) -> list[QuarantineRow]:
        return self.inner.quarantine_for(parent_id) if self.document(parent_id) else []

    def quarantine(self, limit: int = 100) -> list[QuarantineRow]:
        if self.sources is None:
            return self.inner.quarantine(limit)
        with self.session() as s:
            stmt = (
                select(QuarantineRow)
                .join(JobRow, JobRow.id == QuarantineRow.job_id)
                .where(JobRow.source.in_(self.sources))
                .order_by(QuarantineRow.id.desc())
                .limit(limit)
            )
            return list(s.scalars(stmt))

    def iter_documents(self, batch: int = 500) -> Iterator[list[Document]]:
        for docs in self.inner.iter_documents(batch):
            visible = self._docs(docs)
            if visible:
                yield visible

    def ids_for_root(self, root: str) -> list[str]:
        return self.inner.ids_for_root(root) if self.document(root) else []

    def ids_for_roots(self, roots: Sequence[str]) -> dict[str, list[str]]:
        found = self.inner.ids_for_roots(roots)
        if self.sources is None:
            return found
        return {root: ids for root, ids in found.items() if self.document(root)}

    def count_documents(self) -> int:
        if self.sources is None:
            return self.inner.count_documents()
        with self.session() as s:
            stmt = select(func.count()).select_from(DocumentRow).where(DocumentRow.source.in_(self.sources))
            return s.scalar(stmt) or 0

    def find_job_for(self, sha256: str) -> JobRow | None:
        job = self.inner.find_job_for(sha256)
        return job if job is not None and self._ok(job.source) else None

    def enqueue(self, sha256: str, filename: str, source: str, source_path: str = "") -> tuple[int, bool]:
        """A duplicate only of bytes this principal sees; bytes only other groups hold become theirs."""
        if self.sources is None:
            return self.inner.enqueue(sha256, filename, source, source_path)
        with self.session() as s:
            jobs = s.execute(
                select(JobRow.id, JobRow.source)
                .where(JobRow.sha256 == sha256, JobRow.state != "failed")
                .order_by(JobRow.id.desc())
            ).all()
        for job_id, job_source in jobs:
            if self._ok(job_source):
                return job_id, False
        if not jobs:
            return self.inner.enqueue(sha256, filename, source, source_path)
        # Only sources this principal may not see hold these bytes: answering with their job
        # would say so. The uploader's source gets a document of its own instead.
        return self.inner.enqueue_own_copy(sha256, filename, source), True

    def jobs(self, state: str | None = None, limit: int = 100, offset: int = 0) -> list[JobRow]:
        if offset > MAX_OFFSET or limit > MAX_OFFSET:  # deep paging cap (and SQLite's 64-bit limit)
            return []
        if self.sources is None:
            return self.inner.jobs(state, limit, offset)
        with self.session() as s:
            stmt = select(JobRow).where(JobRow.source.in_(self.sources))
            if state:
                stmt = stmt.where(JobRow.state == state)
            return list(s.scalars(stmt.order_by(JobRow.id.desc()).limit(limit).offset(offset)))

    def job(self, job_id: int) -> JobRow | None:
        if not 0 < job_id < 2**63:  # no such row, and SQLite cannot even bind it
            return None
        job = self.inner.job(job_id)
        return job if job is not None and self._ok(job.source) else None

    def retry(self, *, job_ids: list[int] | None = None, mime_prefix: str | None = None) -> int:
        if self.sources is not None:
            ids = [j.id for j in self.jobs("failed", limit=100_000)]
            job_ids = [i for i in ids if job_ids is None or i in job_ids]
        return self.inner.retry(job_ids=job_ids, mime_prefix=mime_prefix)

    def reprocess_all(self) -> int:
        if self.sources is not None:
            raise PermissionError("only admins reprocess the whole archive")
        return self.inner.reprocess_all()

    def status(self, window_seconds: int = 300) -> StatusCounts:
        if self.sources is None:
            return self.inner.status(window_seconds)
        mine = JobRow.source.in_(self.sources)
        with self.session() as s:
            by_state = dict(
                s.execute(select(JobRow.state, func.count()).where(mine).group_by(JobRow.state)).all()
            )
            since = utcnow() - timedelta(seconds=window_seconds)
            recent = s.scalar(select(func.count()).where(mine, JobRow.finished_at >= since)) or 0
            quarantined = (
                s.scalar(
                    select(func.count())
                    .select_from(QuarantineRow)
                    .join(JobRow, JobRow.id == QuarantineRow.job_id)
                    .where(mine)
                )
                or 0
            )
        rate = recent / window_seconds
        remaining = by_state.get("queued", 0) + by_state.get("running", 0)
        return StatusCounts(
            queued=by_state.get("queued", 0),
            running=by_state.get("running", 0),
            done=by_state.get("done", 0),
            failed=by_state.get("failed", 0),
            documents=self.count_documents(),
            quarantined=quarantined,
            docs_per_second=round(rate, 3),
            eta_seconds=round(remaining / rate, 1) if rate > 0 else (0.0 if remaining == 0 else None),
        )

    def _refuse(self, *_: Any, **__: Any) -> Any:
        raise PermissionError("workers use the real catalog")

    claim = heartbeat = complete = fail = release = resume = running_workers = requeue = _refuse
    complete_many = enqueue_own_copy = _refuse


def scoped_state(base: AppState, principal: Principal) -> AppState:
    """The state one principal sees: scoped catalog and index, same settings and archive."""
    sources = visible_sources(base.catalog, principal)
    return AppState(
        settings=base.settings,
        catalog=ScopedCatalog(base.catalog, sources),
        archive=base.archive,
        backend=ScopedBackend(base.backend, sources, base.catalog),
        principal=principal,
        base=base,
    )


async def get_state(request: Request) -> AppState:
    """The request's state, scoped to its principal (set by the security middleware).

    Async, so that FastAPI runs it in the event loop: only a principal who does not see
    everything needs the catalog (their visible sources), and that read goes to a thread.
    """
    base: AppState = request.app.state.faldone
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise Unauthenticated("log in first")
    if principal.sees_everything:
        return scoped_state(base, principal)
    return await run_in_threadpool(scoped_state, base, principal)
