"""Types recognised but not read, each with a reason that says why (never "corrupt").

- Outlook ``.pst``/``.ost`` mailboxes: the only Python reader, libpff, is LGPL-3.0,
  which this project's licence policy rules out; a permissive reader is still to be
  written. Until then the reason tells the user how to hand the mailbox over instead.
- HEIC/HEIF photos: every HEVC decoder available to Python (libheif with libde265,
  x265) is LGPL or GPL.
"""

from __future__ import annotations

from typing import ClassVar

from ingest.errors import UnsupportedFormat
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["HeicExtractor", "PstExtractor"]


class PstExtractor(Extractor):
    """Outlook data files: refused with the way round."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.ms-outlook-pst",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".pst", ".ost")
    SCORE: ClassVar[int] = 1

    def extract(self, source: Source) -> Extraction:
        raise UnsupportedFormat(
            "Outlook .pst mailboxes are not read yet (no permissively licensed reader); "
            "export the folders from Outlook as .msg or .mbox files, or give Faldone the IMAP mailbox"
        )


class HeicExtractor(Extractor):
    """HEIC/HEIF photos: refused with the way round."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (
        "image/heic",
        "image/heif",
        "image/heic-sequence",
        "image/heif-sequence",
    )
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".heic", ".heif")
    SCORE: ClassVar[int] = 1

    def extract(self, source: Source) -> Extraction:
        raise UnsupportedFormat(
            "HEIC/HEIF photos are not decoded (every HEVC decoder is LGPL or GPL); "
            "save the photo as JPEG (iPhone: Settings > Camera > Formats > Most Compatible)"
        )
