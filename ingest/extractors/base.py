"""The extractor interface: one subclass per file format.

To add a format, add one module to ``ingest/extractors/`` with a subclass::

    class CsvExtractor(Extractor):
        MIME_TYPES = ("text/csv",)
        EXTENSIONS = (".csv",)

        def extract(self, source: Source) -> Extraction:
            text = source.read_text()
            return Extraction(pages=[Page(1, text)])

The registry finds it by itself (see ``registry.py``). The router picks the
extractor whose `MIME_TYPES` contain the detected type with the highest `SCORE`.
Extractors are pure: bytes in, `Extraction` out; they never touch the catalog or
the index, and they run in a child process that the worker may kill.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from core.document import EmailHeaders, Page
from core.settings import Settings
from nlp.fields import PageWords

__all__ = ["Child", "Extraction", "Extractor", "Source"]


@dataclass
class Source:
    """The file an extractor reads. `path` is the archived original (read only)."""

    path: Path
    filename: str
    mime_type: str
    settings: Settings
    depth: int = 0

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass
class Child:
    """An attachment or archive member, to become a child document."""

    filename: str
    data: bytes
    position: str  # stable within the parent, e.g. "attachment/2" or a member path
    mime_hint: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Extraction:
    """What an extractor read out of one file."""

    pages: list[Page] = field(default_factory=list)
    title: str = ""
    date: datetime | None = None
    email: EmailHeaders | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    children: list[Child] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # OCR words with their boxes, by page number: read by the key-field rules, not stored
    layouts: dict[int, PageWords] = field(default_factory=dict)
    # Members deliberately not read (links, devices): (name, reason); each gets a quarantine record.
    skipped: list[tuple[str, str]] = field(default_factory=list)


class Extractor:
    """Base class: declare the types you read and implement `extract`."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ()
    EXTENSIONS: ClassVar[tuple[str, ...]] = ()
    SCORE: ClassVar[int] = 5

    def extract(self, source: Source) -> Extraction:
        """Read `source` and return its text, metadata and children."""
        raise NotImplementedError
