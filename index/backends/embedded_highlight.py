"""Highlights for the embedded backend: tantivy snippets rendered as safe HTML with a page number.

A text field is indexed in an exact and in stemmed variants; the variant whose
snippet marks the most words wins, so ``fatture`` also marks ``fattura``.
Only the stored exact field holds the text: a stemmed variant is highlighted by
handing the same text to its snippet generator under the variant's name.
"""

from __future__ import annotations

import html

import tantivy

from core.document import PAGE_BREAK
from index.backend import Highlight
from index.backends.embedded_schema import STEM_LANGUAGES, stemmed_field

__all__ = ["Highlighter"]

# Text first: its fragments carry a page number; then the e-mail subject and the title.
_FIELDS = ("text", "subject", "title")
_MAX_CHARS = 200


def _render(snippet: tantivy.Snippet) -> str:
    """The fragment with <mark> around matches; everything else HTML-escaped."""
    raw = snippet.fragment().encode()
    out: list[str] = []
    cursor = 0
    # Tantivy reports byte offsets into the UTF-8 fragment.
    for span in sorted(snippet.highlighted(), key=lambda r: r.start):
        if span.start < cursor:
            continue
        out.append(html.escape(raw[cursor : span.start].decode(errors="replace")))
        out.append(f"<mark>{html.escape(raw[span.start : span.end].decode(errors='replace'))}</mark>")
        cursor = span.end
    out.append(html.escape(raw[cursor:].decode(errors="replace")))
    return "".join(out).replace(PAGE_BREAK, " ").strip()


class Highlighter:
    """Makes highlights for the hits of one search."""

    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query, schema: tantivy.Schema) -> None:
        self._searcher = searcher
        self._query = query
        self._schema = schema
        self._generators: dict[str, tantivy.SnippetGenerator] = {}

    def _generator(self, index_field: str) -> tantivy.SnippetGenerator:
        if index_field not in self._generators:
            generator = tantivy.SnippetGenerator.create(
                self._searcher, self._query, self._schema, index_field
            )
            generator.set_max_num_chars(_MAX_CHARS)
            self._generators[index_field] = generator
        return self._generators[index_field]

    def highlights(self, stored: tantivy.Document) -> list[Highlight]:
        """Fragments of `stored` that contain a match, text first."""
        language = stored.get_first("language")
        codes = [language] if language in STEM_LANGUAGES else list(STEM_LANGUAGES)
        result: list[Highlight] = []
        for field in _FIELDS:
            text = stored.get_first(field)
            if not isinstance(text, str) or not text:
                continue
            best: tantivy.Snippet | None = None
            for index_field in [field, *(stemmed_field(field, code) for code in codes)]:
                snippet = self._generator(index_field).snippet_from_doc(
                    tantivy.Document(**{index_field: text})
                )
                if len(snippet.highlighted()) > (len(best.highlighted()) if best else 0):
                    best = snippet
            if best is None:
                continue
            page = None
            if field == "text":
                first = min(r.start for r in best.highlighted())
                offset = best.fragment_range().start + first
                page = text.encode()[:offset].count(PAGE_BREAK.encode()) + 1
            result.append(Highlight(_render(best), page))
        return result
