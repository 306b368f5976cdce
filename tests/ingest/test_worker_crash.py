"""Crash safety: `kill -9` of a real worker mid-batch loses nothing and indexes nothing twice.

The worker runs as a real process (`python -m cli.main worker`). It is killed
with SIGKILL once some jobs are done and others are running; its extraction
children die with it (PR_SET_PDEATHSIG) and tantivy's writer lock, a file lock,
dies with the process, so a restarted worker can open the index at once. The
dead worker's jobs come back when their (short) lease expires.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from core.catalog import Catalog
from core.document import root_id
from core.settings import Settings
from index.backend import SearchRequest
from index.backends import open_backend
from ingest.sources import enqueue_paths
from tests.ingest._extract_support import require_tesseract
from tests.support import make_settings

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 4

# Slow scans first (they are running when the worker dies), then quick digital files.
SLOW = [
    "ingest-file/multipage_tiff_example.tif",
    "ingest-file/jbig2.pdf",
    "ingest-file/greek.pdf",
    "ocr/eurotext.tif",
    "ocr/phototest.tif",
]
QUICK_DIRS = ["mail-mikel/plain_emails", "mail-mikel/attachment_emails", "mail-mikel/mime_emails"]
QUICK = [
    "ingest-file/udhr_ger.pdf",
    "ingest-file/twopage.pdf",
    "ingest-file/hello world word.docx",
    "ingest-file/Plan.odt",
    "ingest-file/test-documents.zip",
    "ingest-file/plan.mbox",
    "ingest-file/fnf.msg",
    "ingest-file/countries.csv",
    "ingest-file/doc.html",
    "ingest-file/rom.xls",
]


def batch(corpus: Path, size: int = 40) -> list[Path]:
    """About `size` files with distinct bytes (identical files are one document by design)."""
    files = [corpus / name for name in SLOW + QUICK]
    for folder in QUICK_DIRS:
        files += sorted((corpus / folder).glob("*.eml"))
    chosen: list[Path] = []
    seen: set[str] = set()
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            chosen.append(path)
    return chosen[:size]


def start_worker(settings: Settings, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FALDONE_DATA_DIR": str(settings.data_dir),
        "FALDONE_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "FALDONE_WORKER_CONCURRENCY": "2",
        "OMP_THREAD_LIMIT": "1",
    }
    with log.open("ab") as out:  # the child has its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker", *extra],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.integration
@pytest.mark.slow
def test_sigkill_mid_batch_loses_nothing_and_indexes_nothing_twice(corpus: Path, tmp_path: Path) -> None:
    require_tesseract()
    settings = make_settings(tmp_path / "data", job_lease_seconds=LEASE_SECONDS)
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    files = batch(corpus)
    assert len(files) >= 35
    report = enqueue_paths(files, settings, catalog)
    assert report.queued == len(files)

    log = tmp_path / "worker.log"
    first = start_worker(settings, log)
    deadline = time.monotonic() + 240
    status = catalog.status()
    # a flush completes its jobs together: "done" jumps (2, 4, then 38 of 40 at once in a CI run, 50 ms
    # before the last two), so the kill waits for the first completed jobs with others still running
    while not (status.done >= 1 and status.running >= 1):
        assert first.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"the worker made no progress: {status}"
        time.sleep(0.1)
        status = catalog.status()
    children = children_of(first.pid)
    assert children, "the worker has no extraction children"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    at_kill = catalog.status()
    assert at_kill.done < len(files) and at_kill.running >= 1, at_kill

    # the extraction children die with their worker instead of finishing orphaned jobs
    grace = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < grace:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)], "extraction children outlived the worker"

    # the restart is not blocked by the dead writer's index lock, and finishes the batch
    second = start_worker(settings, log, "--until-empty")
    try:
        second.wait(600)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 0, log.read_text()

    status = catalog.status()
    assert status.queued == 0 and status.running == 0, status
    jobs = {job.id: job for job in catalog.jobs(limit=1000)}
    assert set(jobs) == set(report.job_ids)
    for job in jobs.values():
        assert job.state in ("done", "failed"), (job.filename, job.state)
        if job.state == "failed":
            assert job.error, f"{job.filename} quarantined without a reason"
    done = [job for job in jobs.values() if job.state == "done"]
    assert len(done) >= len(files) - 2  # a few corpus files may be unreadable, none may be lost
    interrupted = [job for job in done if job.attempts > 1]
    assert interrupted, "no job was redone after the kill"

    backend = open_backend(settings, writer=False)
    try:
        result = backend.search(SearchRequest(query="", limit=5000, highlight=False))
    finally:
        backend.close()
    ids = Counter(hit.id for hit in result.hits)
    duplicates = {doc_id: n for doc_id, n in ids.items() if n > 1}
    assert not duplicates
    assert result.total == len(result.hits) == catalog.count_documents()
    catalog_ids = {doc.id for docs in catalog.iter_documents() for doc in docs}
    assert set(ids) == catalog_ids
    for job in done:
        assert ids[root_id(job.sha256)] == 1, f"{job.filename} is not in the index exactly once"
    catalog.close()
