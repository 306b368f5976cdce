"""RFC 822 e-mail messages (``.eml``); the parsing itself lives in `ingest.mail`."""

from __future__ import annotations

from typing import ClassVar

from ingest.extractors.base import Extraction, Extractor, Source
from ingest.mail import extraction_from_message, parse_bytes

__all__ = ["EmailExtractor"]


class EmailExtractor(Extractor):
    """Headers, body text (plain preferred over HTML) and attachments as children."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("message/rfc822",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".eml",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        msg = parse_bytes(source.read_bytes())
        return extraction_from_message(msg, source.settings.max_children)
