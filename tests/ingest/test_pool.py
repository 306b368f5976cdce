"""The extraction pool's limits, on real files: time per job, memory per job, CPU tokens.

A job that overruns `job_timeout_seconds` is killed with its tesseract
processes, retried with backoff, and quarantined after `max_attempts`; a job
that needs more than `job_memory_mb` is quarantined at once (retrying cannot
help); OCR in all children together never runs more tesseracts than tokens.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from core.archive import Archive
from core.catalog import Catalog, JobSpec
from core.settings import Settings
from index.backend import SearchBackend
from index.backends import open_backend
from ingest.ocr import CpuTokens
from ingest.pool import ExtractionPool
from ingest.sources import enqueue_paths
from ingest.worker import Worker
from tests.ingest._extract_support import require_tesseract
from tests.support import make_settings

MakeWorker = Callable[..., tuple[Settings, Catalog, Worker]]


@pytest.fixture
def worker_for(tmp_path: Path) -> Iterator[MakeWorker]:
    opened: list[tuple[Worker, Catalog, SearchBackend]] = []

    def make(**overrides: object) -> tuple[Settings, Catalog, Worker]:
        settings = make_settings(tmp_path / "data", **overrides)
        settings.ensure_dirs()
        catalog = Catalog(settings.resolved_catalog_url)
        backend = open_backend(settings, writer=True)
        worker = Worker(settings, catalog, backend)
        opened.append((worker, catalog, backend))
        return settings, catalog, worker

    yield make
    for worker, catalog, backend in opened:
        worker.pool.close()
        backend.close()
        catalog.close()


def processes_in_groups(groups: set[int]) -> set[int]:
    """Live processes whose process group is one of `groups` (an extraction child and its tesseracts)."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) in groups:
                found.add(int(proc.name))
    return found


@pytest.mark.integration
@pytest.mark.slow
def test_timeout_kills_the_job_retries_with_backoff_then_quarantines(
    worker_for: MakeWorker,
    corpus: Path,
) -> None:
    require_tesseract()
    settings, catalog, worker = worker_for(job_timeout_seconds=1, max_attempts=2)
    [job_id] = enqueue_paths([corpus / "ingest-file/multipage_tiff_example.tif"], settings, catalog).job_ids
    worker.pool._ensure()
    groups = {slot.process.pid for slot in worker.pool._slots if slot.process.pid is not None}

    started = time.monotonic()
    report = worker.run_batch()
    elapsed = time.monotonic() - started
    assert (report.claimed, report.retried, report.done) == (1, 1, 0)
    assert elapsed < 10, f"the timed-out job held the worker for {elapsed:.1f} s"
    job = catalog.job(job_id)
    assert job is not None and job.state == "queued" and job.error_code == "timeout"
    assert job.error == "extraction took longer than 1 s"
    backoff = (job.available_at - (job.started_at or job.available_at)).total_seconds()
    assert 4 <= backoff <= 8, backoff  # first retry after 5 s
    time.sleep(0.5)
    survivors = processes_in_groups(groups) - {slot.process.pid for slot in worker.pool._slots}
    assert not survivors, "tesseract outlived its killed extraction child"
    assert worker.run_batch().claimed == 0  # not before the backoff has passed

    deadline = time.monotonic() + 30
    while (report := worker.run_batch()).claimed == 0:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert report.failed == 1
    job = catalog.job(job_id)
    assert job is not None and job.state == "failed" and job.attempts == 2
    [entry] = [q for q in catalog.quarantine() if q.job_id == job_id]
    assert entry.code == "timeout" and entry.reason == "extraction took longer than 1 s"
    status = catalog.status()
    assert status.running == 0 and status.queued == 0


@pytest.mark.integration
@pytest.mark.slow
def test_memory_limit_quarantines_at_once(
    worker_for: MakeWorker,
    tmp_path: Path,
) -> None:
    settings, catalog, worker = worker_for(job_memory_mb=450, ocr_enabled=False)
    huge = (
        tmp_path / "poster.png"
    )  # 9000 × 9000 RGB: 243 MB decoded (under Pillow's bomb limit), 250 kB stored
    Image.new("RGB", (9000, 9000), "white").save(huge)
    small = tmp_path / "note.txt"
    small.write_text("Gentile cliente, la fattura 2024/118 è stata corretta.", encoding="utf-8")
    ids = enqueue_paths([huge, small], settings, catalog).job_ids

    worker.run(until_empty=True)
    worker.pool = type(worker.pool)(settings)  # run() closed the pool
    poster, note = (catalog.job(i) for i in ids)
    assert note is not None and note.state == "done"
    assert poster is not None and poster.state == "failed" and poster.attempts == 1
    assert poster.error_code == "limit_exceeded"
    assert "450 MB" in poster.error


def _hold_token(directory: str, seconds: float) -> None:
    tokens = CpuTokens(Path(directory), 1)
    with tokens.hold():
        print("holding", flush=True)
        time.sleep(seconds)


def test_cpu_tokens_bound_concurrency_and_are_freed_by_a_killed_holder(tmp_path: Path) -> None:
    tokens = CpuTokens(tmp_path / "tokens", 2)
    running = 0
    peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, peak
        with tokens.hold():
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.1)
            with lock:
                running -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2

    single = tmp_path / "single"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from tests.ingest.test_pool import _hold_token; _hold_token({str(single)!r}, 60)",
        ],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"holding"
        got = threading.Event()

        def take() -> None:
            with CpuTokens(single, 1).hold():
                got.set()

        taker = threading.Thread(target=take, daemon=True)
        taker.start()
        assert not got.wait(0.3)  # held by the other process
        holder.kill()
        assert got.wait(5), "a killed holder's token was not released"
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert os.path.exists(single / "cpu-0")


def test_start_brings_every_child_up_and_jobs_then_run_on_them(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path / "data")
    settings.ensure_dirs()
    message = sorted((corpus / "mail-mikel").rglob("*.eml"))[0]
    sha = Archive(settings.archive_dir).store_bytes(message.read_bytes())
    job = JobSpec(id=1, sha256=sha, filename=message.name, source="test", source_path="", attempts=1)
    pool = ExtractionPool(settings, size=2)
    try:
        pool.start()
        children = [slot.process for slot in pool._slots]
        assert len(children) == 2 and all(child.is_alive() for child in children)
        outcome = pool.run([job])[1]
        assert outcome.error is None and outcome.documents
        assert [slot.process for slot in pool._slots] == children  # the same children did it
    finally:
        pool.close()
