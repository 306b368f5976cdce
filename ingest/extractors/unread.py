"""Types recognised but not read, each with a reason that says why (never "corrupt").

- HEIC/HEIF photos: every HEVC decoder available to Python (libheif with libde265,
  x265) is LGPL or GPL.
"""

from __future__ import annotations

from typing import ClassVar

from ingest.errors import UnsupportedFormat
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["HeicExtractor"]


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
