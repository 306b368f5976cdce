"""Where files come from: paths on disk (CLI), the watched inbox, HTTP uploads.

Every source does the same two things: store the original in the archive and
queue a job. Known bytes are not queued twice (dedup by SHA-256).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.archive import Archive
from core.catalog import Catalog
from core.settings import Settings

__all__ = ["EnqueueReport", "enqueue_file", "enqueue_paths", "iter_files", "scan_inbox"]

log = logging.getLogger("faldone.sources")


@dataclass
class EnqueueReport:
    job_ids: list[int] = field(default_factory=list)
    queued: int = 0
    duplicates: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Regular files under `paths`, recursively, in a stable order; hidden files skipped."""
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    candidate = Path(root) / name
                    if not name.startswith(".") and candidate.is_file() and not candidate.is_symlink():
                        yield candidate


def enqueue_file(path: Path, source: str, archive: Archive, catalog: Catalog) -> tuple[int, bool]:
    sha = archive.store_file(path)
    return catalog.enqueue(sha, path.name, source, str(path))


def enqueue_paths(
    paths: list[Path],
    settings: Settings,
    catalog: Catalog,
    source: str = "cli",
    progress: Callable[[Path], None] | None = None,
) -> EnqueueReport:
    archive = Archive(settings.archive_dir)
    report = EnqueueReport()
    for path in iter_files(paths):
        try:
            job_id, new = enqueue_file(path, source, archive, catalog)
        except OSError as err:
            report.unreadable.append((str(path), err.strerror or str(err)))
        else:
            report.job_ids.append(job_id)
            if new:
                report.queued += 1
            else:
                report.duplicates += 1
        if progress:
            progress(path)
    return report


def scan_inbox(settings: Settings, catalog: Catalog) -> int:
    """Queue new or changed files of the inbox folder; returns how many were queued."""
    inbox = settings.inbox_dir
    if not inbox.is_dir():
        return 0
    archive = Archive(settings.archive_dir)
    queued = 0
    for path in iter_files([inbox]):
        try:
            stat = path.stat()
            if catalog.seen(str(path), stat.st_size, stat.st_mtime):
                continue
            _, new = enqueue_file(path, "inbox", archive, catalog)
            catalog.mark_seen(str(path), stat.st_size, stat.st_mtime)
        except OSError as err:  # a file still being written or removed meanwhile: next scan
            log.info("inbox: skipped %s for now: %s", path, err)
            continue
        queued += int(new)
    return queued
