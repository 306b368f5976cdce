"""OpenDocument: text (.odt), spreadsheets (.ods), presentations (.odp), drawings (.odg),
formulas (.odf) and databases (.odb: the forms, queries and tables it declares).

Read directly from ``content.xml`` and ``meta.xml`` with `zipfile` and `ElementTree`.
A text document is one page, a spreadsheet one page per table, a presentation one
page per slide. A password-protected package lists ``encryption-data`` in its
manifest; its content is unreadable without the password.
"""

from __future__ import annotations

from typing import ClassVar
from xml.etree import ElementTree as ET

from core.document import Page
from ingest.errors import CorruptDocument, EncryptedDocument
from ingest.extractors._officezip import Package, local, parse_datetime
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = [
    "OdbExtractor",
    "OdfFormulaExtractor",
    "OdgExtractor",
    "OdpExtractor",
    "OdsExtractor",
    "OdtExtractor",
]

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
# Spreadsheets repeat empty rows and cells by the million; real content rarely repeats much.
_MAX_REPEAT = 100


class _OdfExtractor(Extractor):
    SCORE: ClassVar[int] = 10
    KIND: ClassVar[str] = "OpenDocument"
    BODY: ClassVar[str] = "body"  # the root's child that holds the content

    def extract(self, source: Source) -> Extraction:
        with Package(source, self.KIND) as package:
            manifest = package.read("META-INF/manifest.xml") or b""
            if b"encryption-data" in manifest:
                raise EncryptedDocument(f"the {self.KIND} document is protected by a password")
            content = package.xml("content.xml")
            if content is None:
                raise CorruptDocument(f"an {self.KIND} package without content.xml")
            body = next((el for el in content if local(el.tag) == self.BODY), None)
            if body is None and local(content.tag) == self.BODY:
                body = content
            try:
                pages = self.pages(body) if body is not None else []
            except RecursionError as err:
                raise CorruptDocument("XML nested too deeply") from err
            result = Extraction(pages=pages)
            _meta(package.xml("meta.xml"), result)
        if not result.title:
            result.title = source.filename
        return result

    def pages(self, body: ET.Element) -> list[Page]:
        raise NotImplementedError


class OdtExtractor(_OdfExtractor):
    """Paragraphs, headings, lists and tables of a text document, as one page."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.oasis.opendocument.text",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".odt",)
    KIND = "OpenDocument text"

    def pages(self, body: ET.Element) -> list[Page]:
        return [Page(1, "\n".join(_blocks(body)).strip())]


class OdsExtractor(_OdfExtractor):
    """One page per table: its name, then one line per row with tab-separated cells."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.oasis.opendocument.spreadsheet",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".ods",)
    KIND = "OpenDocument spreadsheet"

    def pages(self, body: ET.Element) -> list[Page]:
        pages: list[Page] = []
        for table in (el for el in body.iter() if local(el.tag) == "table"):
            lines = [table.get(f"{{{_TABLE_NS}}}name", "")]
            for row in (el for el in table.iter() if local(el.tag) == "table-row"):
                cells: list[str] = []
                for cell in row:
                    if local(cell.tag) not in ("table-cell", "covered-table-cell"):
                        continue
                    text = " ".join(_blocks(cell))
                    cells.extend([text] * (_repeat(cell, "number-columns-repeated") if text else 1))
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    lines.extend(["\t".join(cells)] * _repeat(row, "number-rows-repeated"))
            pages.append(Page(len(pages) + 1, "\n".join(lines)))
        return pages


class OdpExtractor(_OdfExtractor):
    """One page per slide (draw:page), speaker notes included."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.oasis.opendocument.presentation",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".odp",)
    KIND = "OpenDocument presentation"

    def pages(self, body: ET.Element) -> list[Page]:
        slides = [el for el in body.iter() if el.tag == f"{{{_DRAW_NS}}}page"]
        return [
            Page(number, "\n".join(_blocks(slide)).strip()) for number, slide in enumerate(slides, start=1)
        ]


class OdgExtractor(OdpExtractor):
    """A drawing: one page per draw:page, like a presentation."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.oasis.opendocument.graphics",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".odg",)
    KIND = "OpenDocument drawing"


class OdfFormulaExtractor(_OdfExtractor):
    """A formula: its content.xml is MathML; the StarMath annotation is the readable form."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.oasis.opendocument.formula",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".odf",)
    KIND = "OpenDocument formula"
    BODY = "math"

    def pages(self, body: ET.Element) -> list[Page]:
        notes = [el.text or "" for el in body.iter() if local(el.tag) == "annotation"]
        text = "\n".join(note.strip() for note in notes if note.strip())
        return [Page(1, text or " ".join("".join(body.itertext()).split()))]


class OdbExtractor(_OdfExtractor):
    """A database file: the data source, and the names of its forms, reports, queries and tables.

    The rows live in an embedded HSQLDB/Firebird database that no permissive Python
    library reads; the page says so instead of pretending to be complete.
    """

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.oasis.opendocument.base",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".odb",)
    KIND = "OpenDocument database"

    def pages(self, body: ET.Element) -> list[Page]:
        lines: list[str] = []
        for element in body.iter():
            tag = local(element.tag)
            for key, value in element.attrib.items():
                attr = local(key)
                if attr == "href" and tag == "connection-resource":
                    lines.append(f"data source: {value}")
                elif attr in ("name", "command", "title"):
                    lines.append(f"{tag}: {value}")
        return [Page(1, "\n".join(lines))]


def _repeat(element: ET.Element, attribute: str) -> int:
    value = element.get(f"{{{_TABLE_NS}}}{attribute}", "1")
    return min(int(value), _MAX_REPEAT) if value.isdigit() and int(value) > 0 else 1


def _blocks(element: ET.Element) -> list[str]:
    """Text of every paragraph and heading below `element`, in order."""
    found: list[str] = []
    for child in element:
        if child.tag in (f"{{{_TEXT_NS}}}p", f"{{{_TEXT_NS}}}h"):
            found.append(_inline(child))
        else:
            found.extend(_blocks(child))
    return found


def _inline(element: ET.Element) -> str:
    """Mixed content of a paragraph: spans, spaces (text:s), tabs and line breaks."""
    parts = [element.text or ""]
    for child in element:
        tag = local(child.tag)
        if tag == "s":
            count = child.get(f"{{{_TEXT_NS}}}c", "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, _MAX_REPEAT))
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        elif tag in ("p", "h"):  # paragraphs inside notes or frames
            parts.append("\n" + _inline(child))
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _meta(root: ET.Element | None, result: Extraction) -> None:
    if root is None:
        return
    values: dict[str, str] = {}
    for element in root.iter():
        if element.text and element.text.strip():
            values.setdefault(local(element.tag), element.text.strip())
    result.title = values.get("title", "")
    result.date = parse_datetime(values.get("creation-date"))
    author = values.get("initial-creator") or values.get("creator")
    if author:
        result.metadata["author"] = author
    if values.get("date"):
        result.metadata["modified"] = values["date"]
