"""Excel binary workbooks (``.xlsb``) through python-calamine (MIT, the Rust calamine reader).

One page per sheet, like ``.xlsx``: the sheet name, then one line per row with
tab-separated cells. (pyxlsb, the other Python reader, is LGPL-3.0.) When calamine
cannot open a workbook (it panics on some valid files), the text cells still come
out of the shared-string table, with a warning that numbers and layout are missing.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any, ClassVar

from core.document import Page
from ingest.detect import XLSB
from ingest.errors import CorruptDocument, EncryptedDocument
from ingest.extractors._officezip import is_encrypted_ole
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["XlsbExtractor"]


class XlsbExtractor(Extractor):
    """The cells of every worksheet of a binary workbook."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (XLSB,)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".xlsb",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        from python_calamine import CalamineWorkbook

        data = source.read_bytes()
        if is_encrypted_ole(data):
            raise EncryptedDocument("the workbook is protected by a password")
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            pages = []
            for number, name in enumerate(book.sheet_names, start=1):
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=True)
                lines = [_row_text(row) for row in rows]
                pages.append(Page(number, "\n".join([name, *(line for line in lines if line)])))
        except BaseException as err:  # a Rust panic arrives as a BaseException
            if isinstance(err, KeyboardInterrupt | SystemExit | MemoryError):
                raise
            strings = shared_strings(data)
            if strings is None:
                raise CorruptDocument(f"unreadable Excel binary workbook (.xlsb): {err}") from err
            result = Extraction(pages=[Page(1, "\n".join(strings))], title=source.filename)
            result.warnings.append(
                f"the cells could not be read ({err}); only the workbook's text is indexed"
            )
            return result
        return Extraction(pages=pages, title=source.filename, metadata={"sheet_count": len(pages)})


def shared_strings(data: bytes) -> list[str] | None:
    """The texts of ``xl/sharedStrings.bin`` (BrtSSTItem records), or None without the part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            part = package.read("xl/sharedStrings.bin")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None
    strings: list[str] = []
    offset = 0
    while offset < len(part):
        kind, offset = _varint(part, offset, 2)
        size, offset = _varint(part, offset, 4)
        record = part[offset : offset + size]
        offset += size
        if kind == 19 and len(record) >= 5:  # BrtSSTItem: flags, then XLWideString
            count = int.from_bytes(record[1:5], "little")
            strings.append(record[5 : 5 + 2 * count].decode("utf-16-le", "replace"))
    return strings


def _varint(data: bytes, offset: int, max_bytes: int) -> tuple[int, int]:
    """A BIFF12 record type or size: 7 bits per byte, high bit set when another byte follows."""
    value = 0
    for index in range(max_bytes):
        if offset >= len(data):
            break
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            break
    return value, offset


def _row_text(values: list[Any]) -> str:
    cells = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values]
    while cells and not cells[-1]:
        cells.pop()
    return "\t".join(cells)
