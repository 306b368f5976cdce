"""Legacy Office formats: Word 97-2003 (.doc), PowerPoint (.ppt), Excel (.xls) and RTF.

- .xls: xlrd (BSD), one page per sheet.
- .doc and .ppt: iscc-tika (Apache-2.0, Apache Tika compiled to native code, no
  Java) -- the only permissive reader of these binary formats; one page each.
- RTF: striprtf (BSD).

Office 2007+ files protected by a password are OLE containers too; they are
recognised here by their ``EncryptedPackage`` stream whatever type was detected.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Any, ClassVar

from core.document import Page
from ingest.errors import CorruptDocument, EmptyDocument, EncryptedDocument, UnsupportedFormat
from ingest.extractors._officezip import OLE_MAGIC, is_encrypted_ole, parse_datetime
from ingest.extractors._wordbin import missing_lines
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["OleStorageExtractor", "RtfExtractor", "TikaOfficeExtractor", "XlsExtractor"]


class XlsExtractor(Extractor):
    """Excel 97-2003 workbooks: the sheet name, then rows of tab-separated cells."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.ms-excel",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".xls",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        import xlrd

        data = source.read_bytes()
        if is_encrypted_ole(data):
            raise EncryptedDocument("the workbook is protected by a password")
        try:
            # xlrd prints its complaints to stdout unless given a log file.
            book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
        except xlrd.XLRDError as err:
            if "encrypted" in str(err).lower():
                raise EncryptedDocument("the workbook is protected by a password") from err
            raise CorruptDocument(f"unreadable Excel workbook: {err}") from err
        except Exception as err:  # xlrd raises struct/index/assertion errors on damaged files
            raise CorruptDocument(f"unreadable Excel workbook: {err}") from err
        try:
            pages = []
            for index, name in enumerate(book.sheet_names(), start=1):
                sheet = book.sheet_by_index(index - 1)
                rows = [_row_text(sheet.row_values(r)) for r in range(sheet.nrows)]
                pages.append(Page(index, "\n".join([name, *(row for row in rows if row)])))
        except Exception as err:  # damaged sheet records
            raise CorruptDocument(f"unreadable Excel sheet: {err}") from err
        finally:
            book.release_resources()
        metadata = {"author": book.user_name} if book.user_name else {}
        return Extraction(pages=pages, title=source.filename, metadata=metadata)


def _row_text(values: list[Any]) -> str:
    cells = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values]
    while cells and not cells[-1]:
        cells.pop()
    return "\t".join(cells)


@lru_cache(maxsize=1)
def _tika() -> Any:
    try:
        from iscc_tika import Extractor as TikaExtractor
    except ImportError as err:
        raise UnsupportedFormat("legacy Office files need iscc-tika, which is not installed") from err
    return TikaExtractor()


class TikaOfficeExtractor(Extractor):
    """Word 97-2003 and PowerPoint 97-2003 through iscc-tika; one page of text."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/msword", "application/vnd.ms-powerpoint")
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".doc", ".dot", ".ppt", ".pps")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        data = source.read_bytes()
        if not data.startswith(OLE_MAGIC):
            # Tika would happily read any format; these two are always OLE compound files.
            raise CorruptDocument("not an OLE compound file, so not a Word or PowerPoint 97-2003 file")
        if is_encrypted_ole(data):
            raise EncryptedDocument("the document is protected by a password")
        try:
            text, meta = _tika().extract_bytes_to_string(bytearray(data))
        except UnsupportedFormat:
            raise
        except Exception as err:  # the native parser reports every failure as one error type
            if "Encrypted" in str(err):
                raise EncryptedDocument("the document is protected by a password") from err
            raise CorruptDocument(f"unreadable Office document: {err}") from err
        values = {
            key: value[0] if isinstance(value, list) and value else value for key, value in meta.items()
        }
        warning = str(values.get("X-TIKA:warning", ""))
        if "Encrypted" in warning:
            raise EncryptedDocument("the document is protected by a password")
        text = _tidy(str(text))
        if source.mime_type == "application/msword":
            # headers and footers that Tika left out (and all text, on some files)
            extra = missing_lines(data, text)
            text = "\n\n".join(part for part in (text, "\n".join(extra)) if part)
        result = Extraction(pages=[Page(1, text)], title=str(values.get("dc:title") or source.filename))
        result.date = parse_datetime(str(values.get("dcterms:created", "")))
        for key, field in (
            ("dc:creator", "author"),
            ("meta:last-author", "last_modified_by"),
            ("meta:page-count", "page_count"),
            ("meta:slide-count", "slide_count"),
        ):
            if values.get(key):
                result.metadata[field] = str(values[key])
        if warning:
            result.warnings.append(warning)
        return result


def _tidy(text: str) -> str:
    """Tika pads with blank lines and lone bullets; keep one blank line at most."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line.strip() in ("", "*") and (not out or out[-1] == ""):
            continue
        out.append("" if line.strip() == "*" else line)
    return "\n".join(out).strip()


_STRAY_STAR = re.compile(r"(?<![{\\])\\\*")


class RtfExtractor(Extractor):
    """Rich Text Format through striprtf; one page."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/rtf", "text/rtf")
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".rtf",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        from striprtf.striprtf import rtf_to_text

        data = source.read_bytes()
        if not data.strip():
            raise EmptyDocument("the RTF file is empty")
        if not data.lstrip().startswith(b"{\\rtf"):
            raise CorruptDocument("not an RTF file: it does not start with {\\rtf")
        # RTF is 7-bit; 8-bit bytes outside escapes are in the ANSI code page.
        raw = data.decode("cp1252", errors="replace")
        # "\*" marks a destination to skip only right after "{"; elsewhere (seen in real
        # files) readers ignore it, and striprtf would drop the rest of the group with it
        raw = _STRAY_STAR.sub("", raw)
        try:
            text = str(rtf_to_text(raw, errors="replace"))  # type: ignore[no-untyped-call]
        except Exception as err:  # striprtf raises on malformed code page or unicode escapes
            raise CorruptDocument(f"unreadable RTF: {err}") from err
        return Extraction(pages=[Page(1, text.strip())], title=source.filename)


class OleStorageExtractor(Extractor):
    """OLE files of no known kind: a password-protected Office 2007+ file says so."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/x-ole-storage",)
    SCORE: ClassVar[int] = 1

    def extract(self, source: Source) -> Extraction:
        if is_encrypted_ole(source.read_bytes()):
            raise EncryptedDocument("a password-protected Office document")
        raise UnsupportedFormat("an OLE compound file of no known kind")
