"""The worker: claims jobs, extracts them in child processes, annotates, indexes, records.

Order of writes, for crash safety: the search index is committed before the
catalog marks the job done. If the worker dies in between, the job's lease
expires, another worker redoes it, and because document ids are derived from
content and position the index upserts the same documents again: nothing is
lost and nothing is indexed twice.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from threading import Event

from core.catalog import Catalog, JobSpec
from core.document import Document
from core.settings import Settings
from index.backend import SearchBackend
from ingest.pipeline import JobOutcome
from ingest.pool import ExtractionPool
from ingest.sources import scan_inbox
from nlp.annotate import Annotator

__all__ = ["BatchReport", "Worker"]

log = logging.getLogger("faldone.worker")


@dataclass
class BatchReport:
    claimed: int = 0
    done: int = 0
    failed: int = 0
    retried: int = 0
    documents: int = 0


class Worker:
    """One worker process: owns the index writer on the embedded backend."""

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        backend: SearchBackend,
        annotator: Annotator | None = None,
        pool: ExtractionPool | None = None,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.backend = backend
        self.annotator = annotator or Annotator()
        self.pool = pool or ExtractionPool(settings)
        self.id = f"{socket.gethostname()}:{os.getpid()}"

    def run(
        self,
        stop: Event | None = None,
        *,
        until_empty: bool = False,
        poll: float = 1.0,
        on_batch: Callable[[BatchReport], None] | None = None,
    ) -> None:
        """Process jobs until `stop` is set (or the queue is empty with `until_empty`)."""
        stop = stop or Event()
        last_scan = 0.0
        try:
            while not stop.is_set():
                if not until_empty and time.monotonic() - last_scan > 5:
                    scan_inbox(self.settings, self.catalog)
                    last_scan = time.monotonic()
                report = self.run_batch()
                if on_batch:
                    on_batch(report)
                if report.claimed == 0:
                    if until_empty and self.catalog.status().queued == 0:
                        return
                    stop.wait(poll)
        finally:
            self.pool.close()

    def run_batch(self) -> BatchReport:
        jobs = self.catalog.claim(self.id, self.pool.size * 2, self.settings.job_lease_seconds)
        report = BatchReport(claimed=len(jobs))
        if not jobs:
            return report
        outcomes = self.pool.run(jobs, heartbeat=self._heartbeat)
        good: list[tuple[JobSpec, JobOutcome]] = []
        for job in jobs:
            outcome = outcomes[job.id]
            if outcome.error is None:
                good.append((job, outcome))
            else:
                self._fail(job, outcome, report)
        if good:
            try:
                self._index(good, report)
            except Exception as err:  # NLP, index or catalog trouble: retry the jobs, keep running
                log.exception("batch failed while indexing")
                for job, outcome in good:
                    outcome.error, outcome.retryable = (
                        ("internal_error", f"{type(err).__name__}: {err}"),
                        True,
                    )
                    self._fail(job, outcome, report)
        return report

    def _heartbeat(self, job_ids: list[int]) -> None:
        self.catalog.heartbeat(job_ids, self.id, self.settings.job_lease_seconds)

    def _fail(self, job: JobSpec, outcome: JobOutcome, report: BatchReport) -> None:
        assert outcome.error is not None
        code, reason = outcome.error
        if outcome.retryable and job.attempts < self.settings.max_attempts:
            backoff = min(300.0, 5.0 * 2 ** (job.attempts - 1))
            self.catalog.fail(job, code, reason, retry_in=backoff, mime_type=outcome.mime_type)
            report.retried += 1
            log.warning("job %s (%s) will be retried in %.0f s: %s", job.id, job.filename, backoff, reason)
        else:
            self.catalog.fail(job, code, reason, retry_in=None, mime_type=outcome.mime_type)
            report.failed += 1
            log.warning("job %s (%s) quarantined: %s", job.id, job.filename, reason)

    def _index(self, good: list[tuple[JobSpec, JobOutcome]], report: BatchReport) -> None:
        documents: list[Document] = [doc for _, outcome in good for doc in outcome.documents]
        self.annotator.annotate(documents)
        stale: list[str] = []
        for _, outcome in good:
            root = outcome.documents[0]
            keep = {d.id for d in outcome.documents}
            stale += [i for i in self.catalog.ids_for_root(root.root_id) if i not in keep]
        if stale:
            self.backend.delete(stale)
        self.backend.index(documents)
        self.backend.commit()
        for job, outcome in good:
            self.catalog.complete(job, outcome.documents, outcome.quarantined, outcome.mime_type)
            report.done += 1
            report.documents += len(outcome.documents)
