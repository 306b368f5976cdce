"""`faldone serve` supervises its worker, for real: processes, SIGKILL, SIGTERM, SIGINT.

- ``kill -9`` of the worker: serve starts another one, which works the queue;
- SIGTERM or SIGINT of serve: serve stops its worker and exits, no orphan;
- ``kill -9`` of serve: the worker dies with it, and the next serve's worker takes
  the writer and the dead worker's jobs;
- ``/readyz`` fails when runnable jobs wait and no live worker claims them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from core.catalog import Catalog
from ingest.sources import enqueue_paths
from tests.processes import alive, faldone_env, free_port, http_up, start, stop, wait_for
from tests.support import make_settings

pytestmark = pytest.mark.integration


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _worker_of(serve: subprocess.Popen[bytes]) -> int | None:
    for pid in _children(serve.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in command and alive(pid):
            return pid
    return None


def _wait_worker(serve: subprocess.Popen[bytes], log: Path, other_than: int | None = None) -> int:
    found: list[int] = []

    def ready() -> bool:
        pid = _worker_of(serve)
        if pid is not None and pid != other_than:
            found.append(pid)
            return True
        return False

    wait_for(ready, 90, f"a worker under serve {serve.pid}: {log.read_text()[-2000:]}")
    return found[-1]


def _queue(data: Path, files: list[Path]) -> list[int]:
    settings = make_settings(data)
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        return enqueue_paths(files, settings, catalog).job_ids
    finally:
        catalog.close()


def _pending(data: Path, job_ids: list[int]) -> int:
    catalog = Catalog(make_settings(data).resolved_catalog_url)
    try:
        return catalog.pending(job_ids)
    finally:
        catalog.close()


def _mails(corpus: Path) -> list[Path]:
    return sorted((corpus / "mail-mikel" / "plain_emails").glob("*.eml"))


def _serve(data: Path, log: Path, *extra: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = start(["serve", *extra], faldone_env(data, FALDONE_PORT=str(port), **env), log)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(f"{base}/healthz") or process.poll() is not None, 180, "the API")
    assert process.poll() is None, log.read_text()
    return process, base


def test_a_killed_worker_is_restarted_and_works_the_queue(tmp_path: Path, corpus: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "serve.log"
    serve, _ = _serve(data, log)
    try:
        first = _wait_worker(serve, log)
        os.kill(first, signal.SIGKILL)
        second = _wait_worker(serve, log, other_than=first)
        assert second != first and not alive(first)
        jobs = _queue(data, _mails(corpus)[:2])
        wait_for(lambda: _pending(data, jobs) == 0, 120, "the restarted worker to do the jobs")
    finally:
        stop(serve)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_serve_stops_its_worker(tmp_path: Path, sig: signal.Signals) -> None:
    data, log = tmp_path / "data", tmp_path / "serve.log"
    serve, _ = _serve(data, log)
    try:
        worker = _wait_worker(serve, log)
        serve.send_signal(sig)
        serve.wait(60)
        wait_for(lambda: not alive(worker), 30, "the worker to stop with serve")
    finally:
        stop(serve, signal.SIGKILL)


def test_kill_9_of_serve_leaves_no_orphan_and_the_next_serve_takes_over(tmp_path: Path, corpus: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "serve.log"
    serve, _ = _serve(data, log, FALDONE_JOB_LEASE_SECONDS="600")
    try:
        worker = _wait_worker(serve, log)
        serve.send_signal(signal.SIGKILL)
        serve.wait(10)
        wait_for(lambda: not alive(worker), 30, "the worker to die with serve")
    finally:
        stop(serve, signal.SIGKILL)
    # A job left "running" by a dead worker of this host, with a lease far from expiring.
    jobs = _queue(data, _mails(corpus)[2:4])
    catalog = Catalog(make_settings(data).resolved_catalog_url)
    claimed = catalog.claim(f"{socket.gethostname()}:{worker}", 1, 600)
    catalog.close()
    assert len(claimed) == 1
    again, _ = _serve(data, tmp_path / "serve2.log", FALDONE_JOB_LEASE_SECONDS="600")
    try:
        _wait_worker(again, tmp_path / "serve2.log")
        wait_for(lambda: _pending(data, jobs) == 0, 120, "the new worker to finish the dead one's job")
    finally:
        stop(again)
    assert "taken back" in (tmp_path / "serve2.log").read_text()  # at once, not after the 600 s lease


def test_readyz_fails_while_jobs_wait_and_no_worker_claims_them(tmp_path: Path, corpus: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "serve.log"
    serve, base = _serve(data, log, "--no-worker", FALDONE_WORKER_STALL_SECONDS="2")
    worker: subprocess.Popen[bytes] | None = None
    try:
        assert httpx.get(f"{base}/readyz").status_code == 200  # an empty queue is no stall
        jobs = _queue(data, _mails(corpus)[4:6])
        wait_for(lambda: httpx.get(f"{base}/readyz").status_code == 503, 20, "/readyz to report the stall")
        problems = httpx.get(f"{base}/readyz").json()["problems"]
        assert any(p.startswith("worker:") for p in problems), problems
        worker = start(["worker"], faldone_env(data), tmp_path / "worker.log")
        wait_for(lambda: _pending(data, jobs) == 0, 120, "the worker to do the jobs")
        assert httpx.get(f"{base}/readyz").status_code == 200
    finally:
        if worker is not None:
            stop(worker)
        stop(serve)
