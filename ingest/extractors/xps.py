"""XPS and OpenXPS documents: the text of the ``Glyphs`` of every fixed page.

An XPS file is a zip; its ``.fdseq`` lists the documents, each ``.fdoc`` its pages,
each ``.fpage`` draws text as ``<Glyphs UnicodeString="...">`` runs. One page of
text per fixed page, runs in drawing order, a new line when a run starts lower down.
"""

from __future__ import annotations

import posixpath
from typing import ClassVar
from xml.etree.ElementTree import Element

from core.document import Page
from ingest.detect import XPS
from ingest.errors import CorruptDocument
from ingest.extractors._officezip import Package, local
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["XpsExtractor"]


class XpsExtractor(Extractor):
    """One page per fixed page, in the order the document sequence gives."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (XPS, "application/oxps")
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".xps", ".oxps")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        with Package(source, "XPS") as package:
            pages = [Page(n, _page_text(root)) for n, root in enumerate(_fixed_pages(package), start=1)]
        if not pages:
            raise CorruptDocument("an XPS package without pages")
        return Extraction(pages=pages, title=source.filename, metadata={"page_count": len(pages)})


def _fixed_pages(package: Package) -> list[Element]:
    sequences = sorted(name for name in package.names if name.lower().endswith(".fdseq"))
    found: list[Element] = []
    for sequence in sequences:
        for doc_name in _references(package, sequence, "DocumentReference"):
            for page_name in _references(package, doc_name, "PageContent"):
                root = package.xml(page_name)
                if root is not None:
                    found.append(root)
    return found


def _references(package: Package, part: str, tag: str) -> list[str]:
    root = package.xml(part)
    if root is None:
        return []
    base = posixpath.dirname(part)
    names = []
    for element in root.iter():
        source = element.get("Source")
        if local(element.tag) == tag and source:
            target = (
                source.lstrip("/")
                if source.startswith("/")
                else posixpath.normpath(posixpath.join(base, source))
            )
            names.append(_existing(package, target))
    return names


def _existing(package: Package, name: str) -> str:
    """Part names are case-insensitive in OPC; find the stored spelling."""
    if name in package.names:
        return name
    lowered = name.lower()
    return next((stored for stored in package.names if stored.lower() == lowered), name)


def _page_text(root: Element) -> str:
    lines: list[str] = []
    last_y: float | None = None
    for element in root.iter():
        if local(element.tag) != "Glyphs":
            continue
        text = element.get("UnicodeString", "")
        if text.startswith("{}"):  # an escaped literal brace at the start
            text = text[2:]
        if not text.strip():
            continue
        y = _float(element.get("OriginY"))
        if lines and (y is None or last_y is None or abs(y - last_y) < 1.0):
            lines[-1] += " " + text
        else:
            lines.append(text)
        last_y = y
    return "\n".join(line.strip() for line in lines)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
