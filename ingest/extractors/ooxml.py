"""Office Open XML: Word (.docx), Excel (.xlsx) and PowerPoint (.pptx).

The packages are zips of XML parts, read directly with `zipfile` and `ElementTree`
(no third-party parser): a Word document is one page, a workbook one page per
sheet, a presentation one page per slide (with its speaker notes). Title, author
and creation date come from ``docProps/core.xml``.
"""

from __future__ import annotations

import posixpath
from typing import ClassVar
from xml.etree import ElementTree as ET

from core.document import Page
from ingest.errors import CorruptDocument
from ingest.extractors._officezip import Package, local, parse_datetime
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["DocxExtractor", "PptxExtractor", "XlsxExtractor"]

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORD_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml", "word/comments.xml")


class _OoxmlExtractor(Extractor):
    SCORE: ClassVar[int] = 10
    KIND: ClassVar[str] = "OOXML"

    def extract(self, source: Source) -> Extraction:
        with Package(source, self.KIND) as package:
            result = Extraction(pages=self.pages(package))
            _core_properties(package, result)
        if not result.title:
            result.title = source.filename
        return result

    def pages(self, package: Package) -> list[Page]:
        raise NotImplementedError


class DocxExtractor(_OoxmlExtractor):
    """Body text, then footnotes, endnotes and comments, as one page."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-word.document.macroenabled.12",
    )
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".docx", ".docm")
    KIND = "Word"

    def pages(self, package: Package) -> list[Page]:
        if "word/document.xml" not in package.names:
            raise CorruptDocument("a Word package without word/document.xml")
        texts = []
        for name in _WORD_PARTS:
            root = package.xml(name)
            if root is not None:
                texts.append(_paragraphs(root))
        return [Page(1, "\n\n".join(t for t in texts if t))]


class XlsxExtractor(_OoxmlExtractor):
    """One page per sheet: the sheet name, then one line per row with tab-separated cells."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel.sheet.macroenabled.12",
    )
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".xlsx", ".xlsm")
    KIND = "Excel"

    def pages(self, package: Package) -> list[Page]:
        workbook = package.xml("xl/workbook.xml")
        if workbook is None:
            raise CorruptDocument("an Excel package without xl/workbook.xml")
        targets = _relationships(package, "xl/workbook.xml")
        shared = _shared_strings(package.xml("xl/sharedStrings.xml"))
        pages: list[Page] = []
        for sheet in (el for el in workbook.iter() if local(el.tag) == "sheet"):
            name = sheet.get("name", "")
            target = targets.get(sheet.get(f"{{{_REL_NS}}}id", ""))
            root = package.xml(target) if target else None
            rows = _sheet_rows(root, shared) if root is not None else []
            pages.append(Page(len(pages) + 1, "\n".join([name, *rows])))
        return pages


class PptxExtractor(_OoxmlExtractor):
    """One page per slide, in presentation order, with the slide's notes appended."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.ms-powerpoint.presentation.macroenabled.12",
    )
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".pptx", ".pptm")
    KIND = "PowerPoint"

    def pages(self, package: Package) -> list[Page]:
        presentation = package.xml("ppt/presentation.xml")
        if presentation is None:
            raise CorruptDocument("a PowerPoint package without ppt/presentation.xml")
        targets = _relationships(package, "ppt/presentation.xml")
        pages: list[Page] = []
        for slide_id in (el for el in presentation.iter() if local(el.tag) == "sldId"):
            target = targets.get(slide_id.get(f"{{{_REL_NS}}}id", ""))
            root = package.xml(target) if target else None
            texts = [_paragraphs(root)] if root is not None else []
            if target:
                notes = next((t for t in _relationships(package, target, "notesSlide").values()), None)
                notes_root = package.xml(notes) if notes else None
                if notes_root is not None:
                    texts.append(_paragraphs(notes_root))
            pages.append(Page(len(pages) + 1, "\n\n".join(t for t in texts if t)))
        return pages


def _paragraphs(root: ET.Element) -> str:
    """Text of w:p / a:p paragraphs, one per line; tabs and breaks kept."""
    lines: list[str] = []

    def visit(element: ET.Element, line: list[str]) -> None:
        for child in element:
            tag = local(child.tag)
            if tag == "p":
                inner: list[str] = []
                visit(child, inner)
                lines.append("".join(inner))
            elif tag == "t" or tag == "delText":
                line.append(child.text or "")
            elif tag == "tab":
                line.append("\t")
            elif tag in ("br", "cr"):
                line.append("\n")
            else:
                visit(child, line)

    try:
        visit(root, [])
    except RecursionError as err:
        raise CorruptDocument("XML nested too deeply") from err
    return "\n".join(lines).strip()


def _relationships(package: Package, part: str, kind: str = "") -> dict[str, str]:
    """Relationship id -> part path for `part` (optionally only types ending in `kind`)."""
    folder, name = posixpath.split(part)
    root = package.xml(posixpath.join(folder, "_rels", f"{name}.rels"))
    found: dict[str, str] = {}
    if root is None:
        return found
    for rel in root:
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target or not rel.get("Type", "").endswith(kind):
            continue
        path = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        found[rel.get("Id", "")] = path
    return found


def _shared_strings(root: ET.Element | None) -> list[str]:
    if root is None:
        return []
    return [
        "".join(t.text or "" for t in si.iter() if local(t.tag) == "t")
        for si in root
        if local(si.tag) == "si"
    ]


def _sheet_rows(root: ET.Element, shared: list[str]) -> list[str]:
    rows = []
    for row in (el for el in root.iter() if local(el.tag) == "row"):
        cells = []
        for cell in (el for el in row if local(el.tag) == "c"):
            kind = cell.get("t", "n")
            value = next((el.text or "" for el in cell if local(el.tag) == "v"), "")
            if kind == "s":
                index = int(value) if value.isdigit() else -1
                value = shared[index] if 0 <= index < len(shared) else ""
            elif kind == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter() if local(t.tag) == "t")
            elif kind == "b":
                value = "TRUE" if value == "1" else "FALSE"
            cells.append(value)
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append("\t".join(cells))
    return rows


def _core_properties(package: Package, result: Extraction) -> None:
    root = package.xml("docProps/core.xml")
    if root is None:
        return
    values = {local(el.tag): (el.text or "").strip() for el in root}
    result.title = values.get("title", "")
    result.date = parse_datetime(values.get("created"))
    for key, field in (
        ("creator", "author"),
        ("lastModifiedBy", "last_modified_by"),
        ("modified", "modified"),
    ):
        if values.get(key):
            result.metadata[field] = values[key]
