"""Apple Mail ``.emlx``: a byte count line, the RFC 822 message, then an XML plist."""

from __future__ import annotations

import plistlib
from typing import ClassVar

from ingest.errors import CorruptDocument
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.mail import extraction_from_message, parse_bytes

__all__ = ["EmlxExtractor"]


class EmlxExtractor(Extractor):
    """Reads the message inside an emlx file; the plist's scalar keys go to metadata."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/x-apple-emlx",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".emlx",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        data = source.read_bytes()
        first, _, rest = data.partition(b"\n")
        try:
            length = int(first.strip())
        except ValueError as err:
            raise CorruptDocument("emlx file does not start with a byte count") from err
        if length <= 0 or length > len(rest):
            raise CorruptDocument(f"emlx byte count {length} does not fit the file ({len(rest)} bytes)")
        result = extraction_from_message(parse_bytes(rest[:length]), source.settings.max_children)
        trailer = rest[length:].strip()
        if trailer:
            try:
                plist = plistlib.loads(trailer)
            except Exception:  # plistlib raises several unrelated types on bad input
                result.warnings.append("unreadable Apple Mail plist after the message")
            else:
                if isinstance(plist, dict):
                    result.metadata["emlx"] = {
                        str(k): v for k, v in plist.items() if isinstance(v, str | int | float | bool)
                    }
        return result
