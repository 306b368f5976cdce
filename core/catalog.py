"""The catalog: documents, the job queue and quarantine, in any SQLAlchemy database.

SQLite (WAL mode) by default; PostgreSQL at scale. Jobs are claimed with one
atomic ``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED])
RETURNING``, so any number of workers can share the queue. A job's lease
expires when its worker dies, and the job is claimed again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import naive_utc, utcnow
from core.document import Document, root_id, source_copy_id
from core.migrations import migrate, schema_lock
from core.models import DocumentRow, DocumentSourceRow, ImapCursorRow, JobRow, QuarantineRow, SeenFileRow

__all__ = ["Catalog", "ImapCursor", "JobSpec", "QuarantineEntry", "StatusCounts", "utcnow"]


@dataclass(frozen=True)
class ImapCursor:
    uidvalidity: int
    last_uid: int


@dataclass(frozen=True)
class JobSpec:
    """What a worker needs to process a job (plain data, safe to send to a child process)."""

    id: int
    sha256: str
    filename: str
    source: str
    source_path: str
    attempts: int
    root_id: str = ""  # the document this job makes; empty: the id of its bytes (`core.document.root_id`)

    @property
    def document_id(self) -> str:
        return self.root_id or root_id(self.sha256)


@dataclass(frozen=True)
class QuarantineEntry:
    sha256: str
    filename: str
    mime_type: str
    code: str
    reason: str
    parent_id: str | None = None


@dataclass(frozen=True)
class StatusCounts:
    queued: int
    running: int
    done: int
    failed: int
    documents: int
    quarantined: int
    docs_per_second: float
    eta_seconds: float | None


class Catalog:
    """Access to the catalog database; one instance per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        # A file database cannot drop a connection: no ping before every checkout.
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        with schema_lock(self.engine):  # several processes may start on one empty database
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()

    # -- jobs -----------------------------------------------------------------

    def find_job_for(self, sha256: str) -> JobRow | None:
        """The live or finished job for these bytes, if any (for dedup)."""
        with self.session() as s:
            return s.scalars(
                select(JobRow).where(JobRow.sha256 == sha256).order_by(JobRow.id.desc()).limit(1)
            ).first()

    def enqueue(self, sha256: str, filename: str, source: str, source_path: str = "") -> tuple[int, bool]:
        """Queue a file; returns (job id, True) or (existing job id, False) for known bytes."""
        existing = self.find_job_for(sha256)
        if existing is not None and existing.state != "failed":
            return existing.id, False
        with self.session() as s, s.begin():
            return _add_queued_job(s, sha256, filename, source, source_path, utcnow()), True

    def enqueue_own_copy(self, sha256: str, filename: str, source: str) -> int:
        """Queue bytes that other sources hold as `source`'s own document; always a new job.

        The document gets an id of its own (`source_copy_id`), recorded in
        `document_sources`, unless `source` already holds these bytes itself.
        """
        try:
            return self._enqueue_own_copy(sha256, filename, source)
        except IntegrityError:  # the same upload at the same moment recorded the copy first
            return self._enqueue_own_copy(sha256, filename, source)

    def _enqueue_own_copy(self, sha256: str, filename: str, source: str) -> int:
        now = utcnow()
        with self.session() as s, s.begin():
            own = s.scalars(
                select(JobRow.id).where(
                    JobRow.sha256 == sha256, JobRow.source == source, JobRow.state != "failed"
                )
            ).first()
            linked = s.scalars(
                select(DocumentSourceRow.id).where(
                    DocumentSourceRow.sha256 == sha256, DocumentSourceRow.source == source
                )
            ).first()
            if own is None and linked is None:
                s.add(
                    DocumentSourceRow(
                        sha256=sha256,
                        source=source,
                        document_id=source_copy_id(sha256, source),
                        created_at=now,
                    )
                )
            return _add_queued_job(s, sha256, filename, source, "", now)

    def claim(self, worker_id: str, limit: int, lease_seconds: int) -> list[JobSpec]:
        """Atomically take up to `limit` runnable jobs (queued, or running with an expired lease),
        oldest `available_at` first (a resumed long job queues behind waiting ones)."""
        now = utcnow()
        # Each kind is read in the order of `ix_jobs_claim` (state, available_at), at most `limit`
        # rows of each, and only those few are sorted together: one query with an OR over both
        # kinds sorted every runnable job on every claim (SQLite: a temporary B-tree).
        kinds = [
            (JobRow.state == "running") & (JobRow.lease_until < now),
            (JobRow.state == "queued") & (JobRow.available_at <= now),
        ]
        arms = []
        for condition in kinds:
            arm = (
                select(JobRow.id, JobRow.available_at)
                .where(condition)
                .order_by(JobRow.available_at, JobRow.id)
                .limit(limit)
            )
            if not self.is_sqlite:
                arm = arm.with_for_update(skip_locked=True)
            arms.append(select(arm.subquery()))
        candidates = union_all(*arms).subquery()
        runnable = select(candidates.c.id).order_by(candidates.c.available_at, candidates.c.id).limit(limit)
        stmt = (
            update(JobRow)
            .where(JobRow.id.in_(runnable.scalar_subquery()))
            .values(
                state="running",
                worker_id=worker_id,
                lease_until=now + timedelta(seconds=lease_seconds),
                started_at=now,
                attempts=JobRow.attempts + 1,
            )
            .returning(
                JobRow.id, JobRow.sha256, JobRow.filename, JobRow.source, JobRow.source_path, JobRow.attempts
            )
        )
        with self.session() as s, s.begin():
            rows = s.execute(stmt, execution_options={"synchronize_session": False}).all()
        if not rows:
            return []
        with self.session() as s:  # jobs that make a source's own copy of bytes another source holds
            copies = {
                (sha, source): doc_id
                for sha, source, doc_id in s.execute(
                    select(
                        DocumentSourceRow.sha256, DocumentSourceRow.source, DocumentSourceRow.document_id
                    ).where(DocumentSourceRow.sha256.in_(sorted({row[1] for row in rows})))
                ).all()
            }
        jobs = (JobSpec(*row, root_id=copies.get((row[1], row[3]), "")) for row in rows)
        return sorted(jobs, key=lambda j: j.id)

    def heartbeat(self, job_ids: list[int], worker_id: str, lease_seconds: int) -> None:
        if not job_ids:
            return
        with self.session() as s, s.begin():
            s.execute(
                update(JobRow)
                .where(JobRow.id.in_(job_ids), JobRow.worker_id == worker_id, JobRow.state == "running")
                .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
            )

    def complete(
        self,
        job: JobSpec,
        documents: list[Document],
        quarantined: list[QuarantineEntry],
        mime_type: str,
    ) -> None:
        """Record a finished job with its documents (upserted by id) in one transaction."""
        self.complete_many([(job, documents, quarantined, mime_type)])

    def complete_many(
        self, finished: Sequence[tuple[JobSpec, list[Document], list[QuarantineEntry], str]]
    ) -> None:
        """Record finished jobs (job, documents, quarantined, mime type) in one transaction:
        a worker's batch costs one commit, not one per job, and a few statements, not a few
        per document. A job's documents replace every document recorded for its root (the
        children a new extraction no longer produces go)."""
        now = utcnow()
        by_root: dict[str, dict[str, dict[str, Any]]] = {}  # root id -> document id -> row
        for job, documents, _, _ in finished:
            if documents:  # a later job of the same root in this batch wins, as it would one by one
                by_root[documents[0].root_id] = {doc.id: _document_values(doc, job.id) for doc in documents}
        rows = {doc_id: row for kept in by_root.values() for doc_id, row in kept.items()}
        job_ids = [job.id for job, _, _, _ in finished]
        with self.session() as s, s.begin():
            for roots in _chunks(sorted(by_root)):
                s.execute(delete(DocumentRow).where(DocumentRow.root_id.in_(roots)))
            for ids in _chunks(sorted(rows)):  # rows of these ids under another root, if any
                s.execute(delete(DocumentRow).where(DocumentRow.id.in_(ids)))
            if rows:
                s.execute(insert(DocumentRow), list(rows.values()))
            for chunk in _chunks(job_ids):
                s.execute(delete(QuarantineRow).where(QuarantineRow.job_id.in_(chunk)))
            s.add_all(
                _quarantine_row(entry, job.id, now)
                for job, _, quarantined, _ in finished
                for entry in quarantined
            )
            s.execute(
                update(JobRow),
                [
                    {
                        "id": job.id,
                        "state": "done",
                        "finished_at": now,
                        "lease_until": None,
                        "error": "",
                        "error_code": "",
                        "mime_type": mime_type,
                        "document_id": documents[0].id if documents else None,
                        "documents": len(documents),
                    }
                    for job, documents, _, mime_type in finished
                ],
            )

    def fail(
        self, job: JobSpec, code: str, reason: str, *, retry_in: float | None, mime_type: str = ""
    ) -> None:
        """Record a failure: back to the queue after `retry_in` seconds, or quarantined when None."""
        now = utcnow()
        with self.session() as s, s.begin():
            values: dict[str, Any] = {"error": reason, "error_code": code, "lease_until": None}
            if mime_type:
                values["mime_type"] = mime_type
            if retry_in is not None:
                values.update(state="queued", available_at=now + timedelta(seconds=retry_in))
            else:
                values.update(state="failed", finished_at=now)
                s.execute(delete(QuarantineRow).where(QuarantineRow.job_id == job.id))
                s.add(
                    _quarantine_row(
                        QuarantineEntry(job.sha256, job.filename, mime_type, code, reason), job.id, now
                    )
                )
            s.execute(update(JobRow).where(JobRow.id == job.id).values(**values))

    def requeue(self, job: JobSpec, reason: str, *, retry_in: float) -> None:
        """Put a claimed job back in the queue without counting the attempt: it did not fail,
        something it needs (the search cluster) is down. It is never quarantined for that."""
        now = utcnow()
        with self.session() as s, s.begin():
            s.execute(
                update(JobRow)
                .where(JobRow.id == job.id)
                .values(
                    state="queued",
                    attempts=(func.max if self.is_sqlite else func.greatest)(JobRow.attempts - 1, 0),
                    available_at=now + timedelta(seconds=retry_in),
                    lease_until=None,
                    error=reason,
                    error_code="index_unavailable",
                )
            )

    def resume(self, job: JobSpec, progress: str) -> None:
        """A long job paused at a checkpoint: back to the end of the queue, the attempt refunded."""
        with self.session() as s, s.begin():
            s.execute(
                update(JobRow)
                .where(JobRow.id == job.id)
                .values(
                    state="queued",
                    available_at=utcnow(),
                    lease_until=None,
                    attempts=max(0, job.attempts - 1),
                    error=progress,
                    error_code="in_progress",
                )
            )

    def running_workers(self) -> list[str]:
        """Ids (``host:pid``) of the workers that hold running jobs."""
        with self.session() as s:
            stmt = select(JobRow.worker_id).where(JobRow.state == "running").distinct()
            return [w for w in s.scalars(stmt) if w]

    def release(self, worker_ids: list[str]) -> int:
        """Queue again, at once, the running jobs of workers known to be dead; returns how many."""
        if not worker_ids:
            return 0
        with self.session() as s, s.begin():
            result = s.execute(
                update(JobRow)
                .where(JobRow.state == "running", JobRow.worker_id.in_(worker_ids))
                .values(state="queued", lease_until=None, available_at=utcnow())
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def stalled_seconds(self) -> float:
        """How long runnable work has waited while no job holds a live lease (0: the queue moves).

        A live worker renews the leases of the jobs it runs; so runnable jobs and no live
        lease mean nobody is working on the queue.
        """
        now = utcnow()
        with self.session() as s:
            live = s.scalar(select(func.count()).where(JobRow.state == "running", JobRow.lease_until >= now))
            if live:
                return 0.0
            queued = s.scalar(
                select(func.min(JobRow.available_at)).where(
                    JobRow.state == "queued", JobRow.available_at <= now
                )
            )
            expired = s.scalar(
                select(func.min(JobRow.lease_until)).where(
                    JobRow.state == "running", JobRow.lease_until < now
                )
            )
        waiting = [t for t in (queued, expired) if t is not None]
        return max(0.0, (now - min(waiting)).total_seconds()) if waiting else 0.0

    def retry(self, *, job_ids: list[int] | None = None, mime_prefix: str | None = None) -> int:
        """Queue failed jobs again (all, some ids, or one type); returns how many."""
        stmt = update(JobRow).where(JobRow.state == "failed")
        if job_ids is not None:
            stmt = stmt.where(JobRow.id.in_(job_ids))
        if mime_prefix:
            stmt = stmt.where(JobRow.mime_type.startswith(mime_prefix))
        with self.session() as s, s.begin():
            result = s.execute(stmt.values(state="queued", attempts=0, available_at=utcnow()))
            return int(getattr(result, "rowcount", 0) or 0)

    def reprocess_all(self) -> int:
        """Queue every finished job again (after a settings change); originals come from the archive."""
        with self.session() as s, s.begin():
            result = s.execute(
                update(JobRow)
                .where(JobRow.state.in_(["done", "failed"]))
                .values(state="queued", attempts=0, available_at=utcnow())
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def jobs(self, state: str | None = None, limit: int = 100, offset: int = 0) -> list[JobRow]:
        with self.session() as s:
            stmt = select(JobRow).order_by(JobRow.id.desc()).limit(limit).offset(offset)
            if state:
                stmt = stmt.where(JobRow.state == state)
            return list(s.scalars(stmt))

    def job(self, job_id: int) -> JobRow | None:
        with self.session() as s:
            return s.get(JobRow, job_id)

    def pending(self, job_ids: list[int]) -> int:
        """How many of these jobs are not finished yet."""
        if not job_ids:
            return 0
        with self.session() as s:
            count = 0
            for start in range(0, len(job_ids), 500):
                chunk = job_ids[start : start + 500]
                count += (
                    s.scalar(
                        select(func.count())
                        .select_from(JobRow)
                        .where(JobRow.id.in_(chunk), JobRow.state.in_(["queued", "running"]))
                    )
                    or 0
                )
            return count

    def status(self, window_seconds: int = 300) -> StatusCounts:
        """Queue counts, documents per second over the last window and an ETA."""
        with self.session() as s:
            by_state = dict(s.execute(select(JobRow.state, func.count()).group_by(JobRow.state)).all())
            since = utcnow() - timedelta(seconds=window_seconds)
            recent_jobs, first = s.execute(
                select(func.count(), func.min(JobRow.finished_at)).where(JobRow.finished_at >= since)
            ).one()
            documents = s.scalar(select(func.count()).select_from(DocumentRow)) or 0
            quarantined = s.scalar(select(func.count()).select_from(QuarantineRow)) or 0
        rate = 0.0
        if recent_jobs and first is not None:
            elapsed = max((utcnow() - first).total_seconds(), 1.0)
            rate = recent_jobs / elapsed
        remaining = by_state.get("queued", 0) + by_state.get("running", 0)
        eta = remaining / rate if rate > 0 else (0.0 if remaining == 0 else None)
        return StatusCounts(
            queued=by_state.get("queued", 0),
            running=by_state.get("running", 0),
            done=by_state.get("done", 0),
            failed=by_state.get("failed", 0),
            documents=documents,
            quarantined=quarantined,
            docs_per_second=round(rate, 3),
            eta_seconds=round(eta, 1) if eta is not None else None,
        )

    # -- documents ------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        with self.session() as s:
            row = s.get(DocumentRow, doc_id)
            return Document.from_dict(row.data) if row else None

    def children(self, doc_id: str) -> list[Document]:
        with self.session() as s:
            rows = s.scalars(
                select(DocumentRow).where(DocumentRow.parent_id == doc_id).order_by(DocumentRow.id)
            )
            return sorted(
                (Document.from_dict(r.data) for r in rows), key=lambda d: d.metadata.get("position", "")
            )

    def thread(self, thread_id: str) -> list[Document]:
        with self.session() as s:
            rows = s.scalars(
                select(DocumentRow)
                .where(DocumentRow.thread_id == thread_id, DocumentRow.parent_id.is_(None))
                .order_by(DocumentRow.date)
            )
            return [Document.from_dict(r.data) for r in rows]

    def quarantine_for(self, parent_id: str) -> list[QuarantineRow]:
        with self.session() as s:
            return list(s.scalars(select(QuarantineRow).where(QuarantineRow.parent_id == parent_id)))

    def quarantine(self, limit: int = 100) -> list[QuarantineRow]:
        with self.session() as s:
            return list(s.scalars(select(QuarantineRow).order_by(QuarantineRow.id.desc()).limit(limit)))

    def iter_documents(self, batch: int = 500) -> Iterator[list[Document]]:
        """Every document, in batches (for reindex)."""
        last = ""
        while True:
            with self.session() as s:
                rows = list(
                    s.scalars(
                        select(DocumentRow).where(DocumentRow.id > last).order_by(DocumentRow.id).limit(batch)
                    )
                )
            if not rows:
                return
            last = rows[-1].id
            yield [Document.from_dict(r.data) for r in rows]

    def ids_for_root(self, root: str) -> list[str]:
        return self.ids_for_roots([root]).get(root, [])

    def ids_for_roots(self, roots: Sequence[str]) -> dict[str, list[str]]:
        """Document ids recorded under each of `roots` (roots without any are left out)."""
        found: dict[str, list[str]] = {}
        with self.session() as s:
            for chunk in range(0, len(roots), 500):  # well under any database's bound parameters
                rows = s.execute(
                    select(DocumentRow.root_id, DocumentRow.id).where(
                        DocumentRow.root_id.in_(sorted(set(roots[chunk : chunk + 500])))
                    )
                )
                for root, doc_id in rows:
                    found.setdefault(root, []).append(doc_id)
        return found

    def count_documents(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(DocumentRow)) or 0

    # -- watched inbox --------------------------------------------------------

    def seen(self, path: str, size: int, mtime: float) -> bool:
        with self.session() as s:
            row = s.get(SeenFileRow, path)
            return row is not None and row.size == size and row.mtime == mtime

    def mark_seen(self, path: str, size: int, mtime: float) -> None:
        with self.session() as s, s.begin():
            s.merge(SeenFileRow(path=path, size=size, mtime=mtime))

    # -- IMAP mailboxes -------------------------------------------------------

    def imap_cursor(self, account: str, folder: str) -> ImapCursor | None:
        """Where polling of `folder` stopped last time, if it ever ran."""
        with self.session() as s:
            row = s.get(ImapCursorRow, (account, folder))
            return ImapCursor(row.uidvalidity, row.last_uid) if row else None

    def set_imap_cursor(self, account: str, folder: str, uidvalidity: int, last_uid: int) -> None:
        with self.session() as s, s.begin():
            s.merge(ImapCursorRow(account=account, folder=folder, uidvalidity=uidvalidity, last_uid=last_uid))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _document_values(doc: Document, job_id: int) -> dict[str, Any]:
    """A document's catalog row, every column."""
    ann = doc.annotations
    return {
        "id": doc.id,
        "sha256": doc.sha256,
        "root_id": doc.root_id,
        "parent_id": doc.parent_id,
        "thread_id": doc.thread_id,
        "job_id": job_id,
        "filename": doc.filename,
        "mime_type": doc.mime_type,
        "size": doc.size,
        "source": doc.source,
        "title": doc.title,
        "date": naive_utc(doc.date),
        "language": ann.language or "",
        "category": ann.category,
        "complaint": ann.complaint,
        "sentiment": ann.sentiment,
        "ingested_at": naive_utc(doc.ingested_at) or utcnow(),
        "data": doc.to_dict(),
    }


def _chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """`values` in slices of at most `size`: statements stay under the databases' parameter limits."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _quarantine_row(entry: QuarantineEntry, job_id: int, now: datetime) -> QuarantineRow:
    return QuarantineRow(
        job_id=job_id,
        parent_id=entry.parent_id,
        sha256=entry.sha256,
        filename=entry.filename,
        mime_type=entry.mime_type,
        code=entry.code,
        reason=entry.reason,
        created_at=now,
    )


def _add_queued_job(
    s: Session, sha256: str, filename: str, source: str, source_path: str, now: datetime
) -> int:
    """A new queued job for these bytes, in the caller's transaction; returns its id."""
    job = JobRow(
        sha256=sha256,
        filename=filename,
        source=source,
        source_path=source_path,
        state="queued",
        attempts=0,
        available_at=now,
        created_at=now,
    )
    s.add(job)
    s.flush()
    return job.id
