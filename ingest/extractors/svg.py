"""SVG drawings: the words they show (``<text>``, ``<tspan>``, ``<textPath>``) and
their ``<title>`` and ``<desc>``; one page. Parsed with defusedxml: no entities,
no external references."""

from __future__ import annotations

from typing import ClassVar
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from core.document import Page
from ingest.errors import CorruptDocument
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["SvgExtractor"]

_TEXT_TAGS = frozenset({"text", "title", "desc"})


class SvgExtractor(Extractor):
    """Visible text of an SVG image, one line per text element."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("image/svg+xml",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".svg",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        try:
            root = SafeET.fromstring(source.read_bytes())
        except Exception as err:  # ParseError, or defusedxml refusing entities
            raise CorruptDocument(f"unreadable SVG: {err}") from err
        lines: list[str] = []
        title = ""
        _collect(root, lines)
        for element in root.iter():
            if _local(element.tag) == "title" and element.text:
                title = element.text.strip()
                break
        return Extraction(pages=[Page(1, "\n".join(lines))], title=title or source.filename)


def _collect(element: Element, lines: list[str]) -> None:
    if _local(element.tag) in _TEXT_TAGS:
        text = " ".join("".join(element.itertext()).split())
        if text:
            lines.append(text)
        return
    for child in element:
        _collect(child, lines)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
