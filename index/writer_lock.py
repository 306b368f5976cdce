"""Who holds the embedded index writer: a lock file that names its holder.

Tantivy's own writer lock is an advisory file lock, so it cannot tell *who*
holds it, and an error mentioning it sends operators hunting for a worker that
may not exist. Faldone takes its own lock first, ``<index>.writer`` beside the
index folder: a ``flock`` held for the writer's lifetime, with the holder's pid,
host and command written inside.

- The kernel drops a ``flock`` when its process dies (even by ``kill -9``), so a
  lock can never be held by a dead process. The file itself may remain with a
  dead pid in it: that is a *stale* lock, detected (the ``flock`` is free) and
  taken over, with a log line naming the dead holder.
- When the ``flock`` is taken, the error names the live holder (pid, command).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import IO, Any

from index.backend import WriterBusy

__all__ = ["WriterLock", "describe_holder", "lock_path"]

log = logging.getLogger("faldone.index")


def lock_path(index_dir: Path) -> Path:
    return index_dir.parent / f"{index_dir.name}.writer"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def describe_holder(holder: dict[str, Any]) -> str:
    if not holder:
        return "an unknown process"
    return f"pid {holder.get('pid')} on {holder.get('host')} ({holder.get('command', '?')})"


class WriterLock:
    """An exclusive, non-blocking lock on ``<index>.writer``; `release` (or death) frees it."""

    def __init__(self, index_dir: Path) -> None:
        self.path = lock_path(index_dir)
        self._file: IO[str] | None = None
        self.took_over: dict[str, Any] = {}

    def acquire(self) -> WriterLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115  (held until release)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            handle.close()
            holder = _read(self.path)
            who = describe_holder(holder)
            raise WriterBusy(
                f"the index writer is held by {who}, which is running: stop it first "
                f"(or let it do the work) / l'indice è in uso da {who}",
                holder=who,
            ) from err
        previous = _read(self.path)
        if previous.get("pid") and previous.get("pid") != os.getpid():
            same_host = previous.get("host") == socket.gethostname()
            dead = same_host and not _alive(int(previous["pid"]))
            self.took_over = previous
            log.warning(
                "took over a stale index writer lock of %s%s",
                describe_holder(previous),
                " (no longer running)" if dead else "",
            )
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "command": " ".join(sys.argv[:3]) or "python",
                    "since": time.time(),
                }
            )
        )
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            handle.flush()
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()
