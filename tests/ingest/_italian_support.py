"""Helpers for the Italian back-office format tests: a file's whole document tree."""

from __future__ import annotations

from pathlib import Path

from core.archive import Archive
from core.catalog import JobSpec
from core.settings import Settings
from ingest.pipeline import JobOutcome, extract_job
from tests.conftest import CORPUS

__all__ = ["ITALIAN", "tree"]

ITALIAN = CORPUS / "italian"


def tree(path: Path, settings: Settings, data: bytes | None = None) -> JobOutcome:
    """Extract `path` (or `data` named like it) with its children, as the worker's extraction child does."""
    settings.ensure_dirs()
    sha = Archive(settings.archive_dir).store_bytes(path.read_bytes() if data is None else data)
    job = JobSpec(id=1, sha256=sha, filename=path.name, source="test", source_path="", attempts=0)
    return extract_job(job, settings)
