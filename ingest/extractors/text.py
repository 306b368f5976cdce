"""Plain text and text-like formats (CSV, JSON, XML, iCalendar, vCard) read as text.

The encoding is found in this order: a byte-order mark, strict UTF-8, then
charset-normalizer's best guess, unless cp1252 or Mac Roman (which it never
proposes) alone reads as Western European letters: this service reads Italian
first, and Central European code pages are the usual wrong guess; Latin-1 is the last resort,
since it decodes any byte, and leaves a warning.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from core.document import Page
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["TextExtractor", "decode_text"]

# Mac Roman is never proposed by charset-normalizer: a file where it alone yields
# only Western letters (ü from 0x9F, ß from 0xA7) is Mac Roman, not cp1250's "ź§"
_WESTERN_LETTERS = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒ€«»°’‘“”–—…")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode `data` and return ``(text, encoding)``; never fails."""
    for bom, encoding in _BOMS:  # UTF-32-LE first: its BOM starts with UTF-16-LE's
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return data.decode("latin-1"), "latin-1"
    text = str(best)
    if not _all_western(text):
        # short Western text fools the statistics (Italian "è così" as cp1250 "č cosě"):
        # a Western code page that yields only Western letters is the likelier reading
        for encoding in ("cp1252", "mac_roman"):
            try:
                candidate = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _all_western(candidate):
                return candidate, encoding
    return text, best.encoding


def _all_western(text: str) -> bool:
    """True when every non-ASCII character is a Western European letter or sign (à, ß, €...)."""
    return all(char < "\x80" or char in _WESTERN_LETTERS for char in text)


class TextExtractor(Extractor):
    """One page of decoded text; structured text formats get their own extractor later."""

    MIME_TYPES = (
        "text/plain",
        "text/csv",
        "application/json",
        "application/xml",
        "text/calendar",
        "text/vcard",
    )
    EXTENSIONS = (".txt", ".csv", ".tsv", ".json", ".xml", ".ics", ".ical", ".vcf")
    SCORE = 1  # a generic reader: anything more specific wins

    def extract(self, source: Source) -> Extraction:
        text, encoding = decode_text(source.read_bytes())
        warnings = [] if encoding != "latin-1" else ["encoding not recognised; read as Latin-1"]
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return Extraction(pages=[Page(1, text)], metadata={"encoding": encoding}, warnings=warnings)
