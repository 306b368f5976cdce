"""The worker: claims jobs, extracts them in child processes, annotates, indexes, records.

Order of writes, for crash safety: the search index is committed before the
catalog marks the job done. If the worker dies in between, the job's lease
expires, another worker redoes it, and because document ids are derived from
content and position the index upserts the same documents again: nothing is
lost and nothing is indexed twice.

While the search cluster is unreachable, jobs whose documents cannot be indexed go
back to the queue without counting an attempt (an outage is nobody's file's fault,
so nothing is quarantined for it), and the worker claims nothing more until the
cluster answers again (it probes it with backoff), then carries on.

Jobs stream through the extraction pool: whenever a child is idle the worker
claims another job (for as long as the queue has any; a few spare ones at once, since
each claim is a write transaction), and finished jobs are indexed and recorded (one
commit of each per second at most) while slow ones are still running; the next
batch's NLP is handed to the NLP processes before a batch is stored (`IndexLane`). A
long scan reads its pages in turns and goes back to the end of the queue between
turns (`ingest.checkpoint`), so it never holds a slot for its whole length.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from threading import Event
from typing import Any

from core.catalog import Catalog, JobSpec
from core.document import Document
from core.settings import Settings
from index.backend import BackendUnavailable, SearchBackend
from ingest.nlp_processes import ProcessAnnotator
from ingest.nlp_stage import BoundedAnnotator, IndexLane
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
    resumed: int = 0
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
        pollers: list[Callable[[], int]] | None = None,
    ) -> None:
        """`pollers` are called every few seconds to queue new files (e.g. an IMAP mailbox)."""
        self.settings = settings
        self.catalog = catalog
        self.backend = backend
        self.processes = (
            ProcessAnnotator(settings, settings.nlp_processes)
            if annotator is None and settings.nlp_processes > 1
            else None
        )
        self.annotator: Annotator | ProcessAnnotator = (
            annotator or self.processes or Annotator.from_settings(settings, catalog)
        )
        passages = _passages_of(settings)
        if passages is not None and self.processes is not None:
            passages = self.processes.passages
        self.nlp = BoundedAnnotator(self.annotator, corrections=_corrections_of(catalog), passages=passages)
        self.pool = pool or ExtractionPool(settings)
        self.id = f"{socket.gethostname()}:{os.getpid()}"
        self.pollers: list[Callable[[], int]] = list(pollers or [])
        self.poll_seconds = 5.0  # scan the inbox and poll the sources this often, even mid-batch
        self.flush_seconds = 1.0
        # Jobs claimed beyond the idle slots, waiting in the pool's queue (leased and heartbeated).
        self.claim_ahead = 2 * self.pool.size
        self.outage_retry_seconds = 2.0  # first pause while the search cluster is down (doubles to 30 s)
        self._outage = False
        self._last_poll = 0.0
        # CPU seconds of the indexing thread per stage ("nlp", "index", "catalog"), for bench/ingest.
        self.stage_cpu: dict[str, float] = {"nlp": 0.0, "index": 0.0, "catalog": 0.0}

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
        lane = IndexLane()  # one for the whole run: the next batch is extracted while this one is indexed
        try:
            while not stop.is_set():
                if self._outage and not self._wait_for_index(stop):
                    continue
                if not until_empty:
                    self._poll_due()
                report = self.run_batch(stop, lane=lane, poll=not until_empty)
                if on_batch:
                    on_batch(report)
                if report.claimed == 0:
                    status = self.catalog.status() if until_empty else None
                    if status is not None and status.queued == 0 and status.running == 0:
                        return  # "running" counts jobs of a dead worker until their lease expires
                    self._heartbeat(lane.job_ids())  # jobs still being indexed keep their lease
                    stop.wait(poll)
        finally:
            lane.close()
            self.pool.close()
            if self.processes is not None:
                self.processes.close()

    def _wait_for_index(self, stop: Event) -> bool:
        """During an outage: probe the index with backoff; True once it answers again."""
        delay = self.outage_retry_seconds
        while not stop.is_set():
            try:
                self.backend.count()
            except BackendUnavailable as err:
                log.warning("search index still unavailable, next try in %.0f s: %s", delay, err)
                stop.wait(delay)
                delay = min(30.0, delay * 2)
                continue
            log.warning("search index is back: resuming the queue")
            self._outage = False
            return True
        return False

    def _poll_due(self) -> None:
        if time.monotonic() - self._last_poll > self.poll_seconds:
            self._poll_sources()
            self._last_poll = time.monotonic()

    def _poll_sources(self) -> None:
        for poll in [lambda: scan_inbox(self.settings, self.catalog), *self.pollers]:
            try:
                poll()
            except Exception:  # a mailbox that is down must not stop the queue
                log.exception("polling a source failed; trying again later")

    def run_batch(
        self, stop: Event | None = None, lane: IndexLane | None = None, *, poll: bool = False
    ) -> BatchReport:
        """Claim jobs and keep every extraction child busy while jobs are queued; index what finishes.

        A child that finishes claims the next job at once, for as long as the queue
        has work (no slot idles while jobs wait); with `poll` the inbox and the
        sources are polled every few seconds meanwhile.
        Without `lane` the batch is fully indexed when this returns; with one (as `run`
        passes) its last documents may still be in the lane, which the caller closes.
        """
        lease = self.settings.job_lease_seconds
        jobs = self.catalog.claim(self.id, self.pool.size, lease)
        report = BatchReport(claimed=len(jobs))
        if not jobs:
            return report
        ready: list[tuple[JobSpec, JobOutcome]] = []
        last_flush = time.monotonic()
        own_lane = lane is None
        lane = lane or IndexLane()  # NLP and indexing beside this loop (see ingest/nlp_stage.py)

        def flush() -> None:
            nonlocal last_flush
            last_flush = time.monotonic()
            if ready:
                batch = ready[:]
                ready.clear()
                chars = sum(
                    len(page.text) for _, outcome in batch for doc in outcome.documents for page in doc.pages
                )
                lane.submit(_StagedBatch(self, batch, report), [job.id for job, _ in batch], chars)

        def refill(count: int) -> list[JobSpec]:
            if stop is not None and stop.is_set():
                return []
            if self._outage:  # nothing could be indexed now: leave the queue alone
                return []
            if poll:
                self._poll_due()
            # A claim is a write transaction: take a few spare jobs at once, not one per finished job.
            more = self.catalog.claim(self.id, count + self.claim_ahead, lease)
            report.claimed += len(more)
            return more

        def on_result(job: JobSpec, outcome: JobOutcome) -> None:
            if outcome.resume:  # a long scan paused: behind the waiting jobs, attempt refunded
                self.catalog.resume(job, outcome.resume)
                report.resumed += 1
            elif outcome.error is None:
                ready.append((job, outcome))
            else:
                self._fail(job, outcome, report)

        def tick() -> None:
            if ready and time.monotonic() - last_flush >= self.flush_seconds:
                flush()

        def heartbeat(job_ids: list[int]) -> None:
            self._heartbeat(job_ids + [job.id for job, _ in ready] + lane.job_ids())

        try:
            self.pool.run(jobs, heartbeat=heartbeat, refill=refill, on_result=on_result, tick=tick)
            flush()
        finally:
            if own_lane:
                lane.close()
        return report

    def _index_or_retry(
        self, good: list[tuple[JobSpec, JobOutcome]], report: BatchReport, *, annotated: bool = False
    ) -> None:
        """NLP (unless `annotated`), index and record `good`; on trouble, one job at a time."""
        try:
            self._index(good, report, annotated=annotated)
        except BackendUnavailable as err:  # the cluster is down: not these files' fault
            if not self._outage:
                log.warning("search index unavailable, %d jobs go back to the queue: %s", len(good), err)
            self._outage = True
            for job, _ in good:
                self.catalog.requeue(
                    job, f"search index unavailable: {err}", retry_in=self.outage_retry_seconds
                )
                report.retried += 1
        except Exception as err:  # NLP, index or catalog trouble: find the culprit, keep running
            if len(good) > 1:  # one bad document must not take its batch-mates down with it
                log.warning("indexing a batch of %d jobs failed (%s); indexing one by one", len(good), err)
                for item in good:
                    self._index_or_retry([item], report)
                return
            log.exception("indexing failed")
            for job, outcome in good:
                outcome.error, outcome.retryable = (
                    ("internal_error", f"{type(err).__name__}: {err}"),
                    True,
                )
                self._fail(job, outcome, report)

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

    def _index(
        self, good: list[tuple[JobSpec, JobOutcome]], report: BatchReport, *, annotated: bool = False
    ) -> None:
        documents: list[Document] = [doc for _, outcome in good for doc in outcome.documents]
        clock = time.thread_time()
        if not annotated:
            self.nlp.annotate(documents)
        clock = self._spent("nlp", clock)
        recorded = self.catalog.ids_for_roots([outcome.documents[0].root_id for _, outcome in good])
        stale: list[str] = []
        for _, outcome in good:
            keep = {d.id for d in outcome.documents}
            stale += [i for i in recorded.get(outcome.documents[0].root_id, []) if i not in keep]
        clock = self._spent("catalog", clock)
        if stale:
            self.backend.delete(stale)
        self.backend.index(documents)
        self.backend.commit()
        clock = self._spent("index", clock)
        self.catalog.complete_many(
            [(job, outcome.documents, outcome.quarantined, outcome.mime_type) for job, outcome in good]
        )
        report.done += len(good)
        report.documents += sum(len(outcome.documents) for _, outcome in good)
        self._spent("catalog", clock)

    def _spent(self, stage: str, since: float) -> float:
        now = time.thread_time()
        self.stage_cpu[stage] += now - since
        return now


class _StagedBatch:
    """A batch in the lane (`ingest.nlp_stage.Staged`): its NLP is started while the batch before
    it is stored. Storing keeps the order of writes of the module's doc; a batch whose NLP
    failed goes through `Worker._index_or_retry` one job at a time (NLP again, then quarantine)."""

    def __init__(self, worker: Worker, good: list[tuple[JobSpec, JobOutcome]], report: BatchReport) -> None:
        self.worker = worker
        self.good = good
        self.report = report
        self._finish: Callable[[], None] | None = None
        self.annotated = False

    def start(self) -> None:
        clock = time.thread_time()
        try:
            self._finish = self.worker.nlp.begin(
                [doc for _, outcome in self.good for doc in outcome.documents]
            )
        except Exception as err:
            log.warning("starting the NLP of %d jobs failed (%s)", len(self.good), err)
        self.worker._spent("nlp", clock)

    def wait(self) -> None:
        if self._finish is None:
            return
        clock = time.thread_time()
        try:
            self._finish()
            self.annotated = True
        except Exception as err:
            log.warning("the NLP of %d jobs failed (%s)", len(self.good), err)
        self.worker._spent("nlp", clock)

    def store(self) -> None:
        if self.annotated or len(self.good) == 1:
            self.worker._index_or_retry(self.good, self.report, annotated=self.annotated)
            return
        for item in self.good:  # one bad document must not take its batch-mates down with it
            self.worker._index_or_retry([item], self.report)


def _passages_of(settings: Settings) -> Callable[[list[Document]], object] | None:
    """The passage embedder, unless search by meaning is turned off."""
    if not settings.semantic_search:
        return None
    from nlp.passages import embed_passages

    return embed_passages


def _corrections_of(catalog: Catalog) -> Callable[[list[str]], Mapping[str, Sequence[Any]]]:
    from core.corrections import corrections_for

    def corrections(ids: list[str]) -> Mapping[str, Sequence[Any]]:
        return corrections_for(catalog, ids)

    return corrections
