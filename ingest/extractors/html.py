"""HTML: visible text with its block structure kept as line breaks; title from <title>."""

from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup

from core.document import Page
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.extractors.text import decode_text

__all__ = ["HtmlExtractor", "decode_html", "html_to_text"]

_INVISIBLE = ("script", "style", "noscript", "template", "head")
_BLOCKS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
)  # fmt: skip
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode HTML bytes: BOM or valid UTF-8 first, then a declared charset, then a guess."""
    text, encoding = decode_text(data)
    if encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        return text, encoding
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(name, "replace"), codecs.lookup(name).name
        except LookupError:
            pass  # an unknown charset name: trust the guess
    return text, encoding


def html_to_text(markup: str) -> tuple[str, str]:
    """Return ``(title, text)`` of an HTML document."""
    soup = BeautifulSoup(markup, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if title_tag else ""
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for cell in soup.find_all(("td", "th")):
        cell.insert_after("\t")
    text = soup.get_text()
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return title, text


class HtmlExtractor(Extractor):
    """One page of visible text; the <title> becomes the document title."""

    MIME_TYPES = ("text/html", "application/xhtml+xml")
    EXTENSIONS = (".html", ".htm", ".xhtml")

    def extract(self, source: Source) -> Extraction:
        markup, encoding = decode_html(source.read_bytes())
        title, text = html_to_text(markup)
        return Extraction(pages=[Page(1, text)], title=title, metadata={"encoding": encoding})
