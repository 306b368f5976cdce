"""A pool of extraction child processes that the worker can kill.

Each slot is a long-lived child started with the ``spawn`` method (a clean
interpreter: no NLP models, no index writer, no inherited threads). A child
runs one job at a time under a memory limit (``RLIMIT_DATA``); when a job overruns its
time limit the child is killed with its whole process group (tesseract
included) and replaced, so a stuck parser or a runaway OCR never blocks the queue.

Children die with the worker: on Linux each child asks the kernel for SIGKILL
when its parent dies (``PR_SET_PDEATHSIG``), so ``kill -9`` of a worker leaves
no extraction running behind its back while another worker redoes the jobs.

OCR inside the children shares one budget of CPU tokens, one per core
(`ingest.ocr.CpuTokens`): a 100-page scan alone spreads its pages over every
core, and several scans at once never run more tesseracts than there are cores.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from core.catalog import JobSpec
from core.settings import Settings
from ingest.pipeline import JobOutcome

__all__ = ["ExtractionPool", "die_with_parent"]

_CTX = mp.get_context("spawn")
_READY = "ready?"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies; exit if it already has."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)


def _child_main(conn: Connection, settings: Settings, parent_pid: int, tokens_dir: str) -> None:
    die_with_parent(parent_pid)
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # own process group: a timeout kills tesseract too
    os.environ["OMP_THREAD_LIMIT"] = "1"
    # RLIMIT_DATA, not RLIMIT_AS: it counts memory actually made writable, so the
    # GraalVM inside iscc-tika (which reserves ~32 GB of address space up front)
    # still starts, while a runaway allocation raises MemoryError. Tesseract
    # processes inherit the same limit.
    limit = settings.job_memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    from ingest import ocr  # imported here: the child's own interpreter
    from ingest.pipeline import extract_job

    ocr.use_cpu_tokens(ocr.CpuTokens(Path(tokens_dir), settings.worker_concurrency))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        if job == _READY:  # `ExtractionPool.start` asks once the imports are done
            conn.send(_READY)
            continue
        try:
            outcome = extract_job(job, settings)
        except MemoryError:
            outcome = JobOutcome(
                error=(
                    "limit_exceeded",
                    f"the file needs more memory than the {settings.job_memory_mb} MB allowed",
                )
            )
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as err:  # a bug or a native panic (pyo3's PanicException) must not kill it
            outcome = JobOutcome(error=("internal_error", f"{type(err).__name__}: {err}"), retryable=True)
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            return


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
        self._tokens = tempfile.TemporaryDirectory(prefix="faldone-cpu-")

    def _start(self) -> _Slot:
        parent_conn, child_conn = _CTX.Pipe()
        process = _CTX.Process(
            target=_child_main,
            args=(child_conn, self.settings, os.getpid(), self._tokens.name),
            daemon=True,
        )
        process.start()
        child_conn.close()
        return _Slot(process=process, conn=parent_conn)

    def _ensure(self) -> None:
        self._slots = [s for s in self._slots if s.process.is_alive()]
        while len(self._slots) < self.size:
            self._slots.append(self._start())

    def start(self) -> None:
        """Start every child and wait until each has imported what it extracts with (a second or
        two of CPU each): a worker's first jobs, or a benchmark's clock, then wait for none."""
        self._ensure()
        for slot in self._slots:
            slot.conn.send(_READY)
        for slot in self._slots:
            if slot.conn.recv() != _READY:
                raise RuntimeError("an extraction child answered out of turn")

    def _kill(self, slot: _Slot) -> None:
        pid = slot.process.pid
        if pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)  # the child and its tesseract processes
        with contextlib.suppress(Exception):
            slot.process.kill()
            slot.process.join(5)
        slot.conn.close()

    def _replace(self, slot: _Slot) -> None:
        self._kill(slot)
        self._slots[self._slots.index(slot)] = self._start()

    def run(
        self,
        jobs: list[JobSpec],
        heartbeat: Callable[[list[int]], None] | None = None,
        *,
        refill: Callable[[int], list[JobSpec]] | None = None,
        on_result: Callable[[JobSpec, JobOutcome], None] | None = None,
        tick: Callable[[], None] | None = None,
    ) -> dict[int, JobOutcome]:
        """Extract `jobs`; `refill(n)` hands in more jobs whenever a child is idle and none waits
        (n of them or more: the extra ones wait their turn and are heartbeated with the running ones).

        `on_result` is called as each job finishes and `tick` at least once a
        second (both in the calling thread), so the caller can index finished
        documents while slow jobs are still running.
        """
        self._ensure()
        pending = list(jobs)
        results: dict[int, JobOutcome] = {}
        timeout = float(self.settings.job_timeout_seconds)
        beat_every = max(1.0, self.settings.job_lease_seconds / 3)
        last_beat = time.monotonic()

        def finish(job: JobSpec, outcome: JobOutcome) -> None:
            results[job.id] = outcome
            if on_result is not None:
                on_result(job, outcome)

        while True:
            idle = sum(1 for s in self._slots if s.job is None)
            if refill is not None and idle > len(pending):
                pending += refill(idle - len(pending))
            if not pending and not any(s.job for s in self._slots):
                break
            for slot in self._slots:
                if slot.job is None and pending:
                    slot.job = pending.pop(0)
                    slot.deadline = time.monotonic() + timeout
                    slot.conn.send(slot.job)
            busy = [s for s in self._slots if s.job is not None]
            ready = wait([s.conn for s in busy], timeout=min(1.0, max(0.05, timeout / 4)))
            now = time.monotonic()
            for slot in busy:
                assert slot.job is not None
                job = slot.job
                if slot.conn in ready:
                    try:
                        outcome: JobOutcome = slot.conn.recv()
                    except (EOFError, OSError):
                        code = slot.process.exitcode
                        slot.job = None
                        self._replace(slot)
                        finish(
                            job,
                            JobOutcome(
                                error=("crashed", f"the extractor process died (exit code {code})"),
                                retryable=True,
                            ),
                        )
                        continue
                    slot.job = None
                    finish(job, outcome)
                elif now > slot.deadline:
                    slot.job = None
                    self._replace(slot)
                    finish(
                        job,
                        JobOutcome(
                            error=("timeout", f"extraction took longer than {int(timeout)} s"),
                            retryable=True,
                        ),
                    )
            if tick is not None:
                tick()
            if heartbeat and now - last_beat > beat_every:
                heartbeat([s.job.id for s in self._slots if s.job is not None] + [j.id for j in pending])
                last_beat = now
        return results

    def close(self) -> None:
        for slot in self._slots:
            with contextlib.suppress(Exception):
                slot.conn.send(None)
        for slot in self._slots:
            slot.process.join(2)
            if slot.process.is_alive():
                self._kill(slot)
            else:
                slot.conn.close()
        self._slots = []
        self._tokens.cleanup()
