"""A pool of extraction child processes that the worker can kill.

Each slot is a long-lived child started with the ``spawn`` method (a clean
interpreter: no NLP models, no index writer, no inherited threads). A child
runs one job at a time under an address-space limit; when a job overruns its
time limit the child is killed and replaced, so a stuck parser or a runaway
OCR never blocks the queue.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from core.catalog import JobSpec
from core.settings import Settings
from ingest.pipeline import JobOutcome

__all__ = ["ExtractionPool"]

_CTX = mp.get_context("spawn")


def _child_main(conn: Connection, settings: Settings) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    limit = settings.job_memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ingest.pipeline import extract_job  # imported here: the child's own interpreter

    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            outcome = extract_job(job, settings)
        except MemoryError:
            outcome = JobOutcome(error=("limit_exceeded", "the file needs more memory than allowed"))
        except Exception as err:  # a bug or a library crash must not kill the child
            outcome = JobOutcome(error=("internal_error", f"{type(err).__name__}: {err}"), retryable=True)
        conn.send(outcome)


@dataclass
class _Slot:
    process: BaseProcess
    conn: Connection
    job: JobSpec | None = None
    deadline: float = 0.0


class ExtractionPool:
    """`run(jobs)` extracts jobs in parallel children and returns one outcome per job id."""

    def __init__(self, settings: Settings, size: int | None = None) -> None:
        self.settings = settings
        self.size = max(1, size or settings.worker_concurrency)
        self._slots: list[_Slot] = []

    def _start(self) -> _Slot:
        parent_conn, child_conn = _CTX.Pipe()
        process = _CTX.Process(target=_child_main, args=(child_conn, self.settings), daemon=True)
        process.start()
        child_conn.close()
        return _Slot(process=process, conn=parent_conn)

    def _ensure(self) -> None:
        self._slots = [s for s in self._slots if s.process.is_alive()]
        while len(self._slots) < self.size:
            self._slots.append(self._start())

    def _replace(self, slot: _Slot) -> None:
        with contextlib.suppress(Exception):
            slot.process.kill()
            slot.process.join(5)
        slot.conn.close()
        self._slots[self._slots.index(slot)] = self._start()

    def run(
        self, jobs: list[JobSpec], heartbeat: Callable[[list[int]], None] | None = None
    ) -> dict[int, JobOutcome]:
        self._ensure()
        pending = list(jobs)
        results: dict[int, JobOutcome] = {}
        timeout = float(self.settings.job_timeout_seconds)
        beat_every = max(1.0, self.settings.job_lease_seconds / 3)
        last_beat = time.monotonic()
        while pending or any(s.job for s in self._slots):
            for slot in self._slots:
                if slot.job is None and pending:
                    slot.job = pending.pop(0)
                    slot.deadline = time.monotonic() + timeout
                    slot.conn.send(slot.job)
            busy = [s for s in self._slots if s.job is not None]
            ready = wait([s.conn for s in busy], timeout=1.0)
            now = time.monotonic()
            for slot in busy:
                assert slot.job is not None
                job = slot.job
                if slot.conn in ready:
                    try:
                        results[job.id] = slot.conn.recv()
                    except (EOFError, OSError):
                        code = slot.process.exitcode
                        results[job.id] = JobOutcome(
                            error=("crashed", f"the extractor process died (exit code {code})"),
                            retryable=True,
                        )
                        self._replace(slot)
                        continue
                    slot.job = None
                elif now > slot.deadline:
                    results[job.id] = JobOutcome(
                        error=("timeout", f"extraction took longer than {int(timeout)} s"), retryable=True
                    )
                    self._replace(slot)
            if heartbeat and now - last_beat > beat_every:
                heartbeat([s.job.id for s in self._slots if s.job is not None])
                last_beat = now
        return results

    def close(self) -> None:
        for slot in self._slots:
            with contextlib.suppress(Exception):
                slot.conn.send(None)
        for slot in self._slots:
            slot.process.join(2)
            if slot.process.is_alive():
                slot.process.kill()
            slot.conn.close()
        self._slots = []
