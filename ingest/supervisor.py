"""`faldone serve` keeps one worker process alive: restart with backoff, stop with serve.

- A worker that exits while serve runs (a crash, ``kill -9``, a writer lock that
  was still busy) is started again after 1, 2, 4 … 60 s; a worker that ran for a
  minute or more starts the count afresh.
- `stop()` sends SIGTERM, waits (the worker finishes its batch), then SIGKILL.
- If serve itself dies, even by ``kill -9``, the worker dies with it: the worker
  asks Linux for SIGKILL at its parent's death (``PR_SET_PDEATHSIG``, see
  `ingest.pool.die_with_parent`) and also watches its parent pid (`ParentWatch`),
  so no orphan keeps the single index writer from the next serve. Its unfinished
  jobs are taken back at once by the next worker on this host (`Worker` releases
  the jobs of dead processes), not after their lease.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Sequence

from ingest.pool import die_with_parent

__all__ = ["PARENT_ENV", "ParentWatch", "Supervisor", "dead_local_workers", "watch_parent"]

log = logging.getLogger("faldone.supervisor")

PARENT_ENV = "FALDONE_SUPERVISOR_PID"
_MAX_BACKOFF = 60.0
_HEALTHY_RUN = 60.0


class Supervisor:
    """Runs `command` in a thread of its own and restarts it when it exits unasked."""

    def __init__(
        self, command: Sequence[str], env: dict[str, str] | None = None, grace: float = 20.0
    ) -> None:
        self.command = list(command)
        self.env = {**(env if env is not None else os.environ), PARENT_ENV: str(os.getpid())}
        self.grace = grace
        self.starts = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        # The worker is started from this thread, which lives until `stop`: PR_SET_PDEATHSIG
        # fires when the *thread* that forked the child ends.
        self._thread = threading.Thread(target=self._loop, name="worker-supervisor", daemon=True)

    def start(self) -> Supervisor:
        self._thread.start()
        return self

    def _loop(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            started = time.monotonic()
            # PR_SET_PDEATHSIG between fork and exec: the worker dies with serve even while
            # it is still importing, before its own code could ask for it.
            self.process = subprocess.Popen(
                self.command, env=self.env, preexec_fn=functools.partial(die_with_parent, os.getpid())
            )
            self.starts += 1
            code = self.process.wait()
            if self._stop.is_set():
                return
            if time.monotonic() - started >= _HEALTHY_RUN:
                backoff = 1.0
            log.error("the worker exited (code %s); starting it again in %.0f s", code, backoff)
            if self._stop.wait(backoff):
                return
            backoff = min(_MAX_BACKOFF, backoff * 2)

    def stop(self) -> None:
        """SIGTERM the worker, wait up to `grace` seconds, then SIGKILL; no restart afterwards."""
        self._stop.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(self.grace)
            except subprocess.TimeoutExpired:
                log.error("the worker did not stop within %.0f s: killing it", self.grace)
                process.kill()
                process.wait(5)
        self._thread.join(self.grace + 10)


class ParentWatch(threading.Thread):
    """Sets `stop` when the supervising process is gone (a portable second line to PDEATHSIG)."""

    def __init__(self, parent_pid: int, stop: threading.Event, every: float = 1.0) -> None:
        super().__init__(name="parent-watch", daemon=True)
        self.parent_pid = parent_pid
        self.stop = stop
        self.every = every

    def run(self) -> None:
        while not self.stop.wait(self.every):
            if os.getppid() != self.parent_pid:
                log.error("the serve process %d is gone: the worker stops too", self.parent_pid)
                self.stop.set()
                return


def watch_parent(stop: threading.Event) -> None:
    """In a worker started by a `Supervisor`: die with it (see the module docstring)."""
    raw = os.environ.get(PARENT_ENV, "")
    with contextlib.suppress(ValueError):
        parent = int(raw)
        die_with_parent(parent)
        ParentWatch(parent, stop).start()


def dead_local_workers(worker_ids: list[str]) -> list[str]:
    """The ids (``host:pid``) among `worker_ids` of processes on this host that no longer run."""
    host = socket.gethostname()
    dead: list[str] = []
    for worker_id in worker_ids:
        name, _, pid = worker_id.rpartition(":")
        if name != host or not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            dead.append(worker_id)
        except PermissionError:
            continue  # alive, someone else's
    return dead
