"""Helpers shared by the format tests: run a corpus file through detection and the router."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.detect import detect_mime
from ingest.extractors.base import Extraction, Source
from ingest.router import extract
from tests.conftest import IN_CI

__all__ = ["require_tesseract", "run"]


def run(path: Path, settings: Settings, filename: str | None = None) -> Extraction:
    """Detect `path` by content and extract it, as the worker does."""
    name = filename or path.name
    mime = detect_mime(path.read_bytes(), name)
    return extract(Source(path=path, filename=name, mime_type=mime, settings=settings))


def require_tesseract() -> None:
    """Skip without tesseract on a laptop; fail in CI, where it must be installed."""
    if shutil.which("tesseract") is None:
        message = "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-ita)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
