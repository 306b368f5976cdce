"""Highlights for the embedded backend: tantivy snippets rendered as safe HTML with a page number.

A text field is indexed in an exact and in stemmed variants; the variant whose
snippet marks the most words wins, so ``fatture`` also marks ``fattura``.
Only the stored exact field holds the text: a stemmed variant is highlighted by
handing the same text to its snippet generator under the variant's name.

Tantivy's snippets mark the terms of a query, not its matches, so two kinds of
query words are prepared per document and field to mark what the cluster's
highlighter marks: a phrase counts only where the field really contains it
(checked with a search restricted to the document), and a prefix, wildcard or
fuzzy word is expanded into the document's matching terms. Before that search,
the field's own text is checked: when the exact analyzer's tokens of the phrase
stand next to each other in it, the phrase matches; when, for every analyzer, some
word of the phrase is missing from it, the phrase cannot match. Only the rest
(stemmed forms in order, stop words, slop) needs the search.
"""

from __future__ import annotations

import html
import re

import tantivy

from core.document import PAGE_BREAK
from index.backend import Highlight
from index.backends.embedded_query import QueryCompiler, any_term
from index.backends.embedded_schema import Analyzers, stemmed_field
from index.query import ast
from index.query.semantics import STEM_LANGUAGES, fold, fuzzy_distance

__all__ = ["Highlighter", "leaves"]

_Leaf = ast.Term | ast.Phrase | ast.Prefix | ast.Wildcard | ast.Fuzzy
_WORD = re.compile(r"[^\W_]+")

# Text first: its fragments carry a page number; then the e-mail subject and the title.
_FIELDS = ("text", "subject", "title")
_MAX_CHARS = 200


def _render(snippet: tantivy.Snippet, marks: list[tantivy.Range]) -> str:
    """The fragment with <mark> around `marks` (its highlighted ranges); everything else HTML-escaped."""
    raw = snippet.fragment().encode()
    out: list[str] = []
    cursor = 0
    # Tantivy reports byte offsets into the UTF-8 fragment.
    for span in sorted(marks, key=lambda r: r.start):
        if span.start < cursor:
            continue
        out.append(html.escape(raw[cursor : span.start].decode(errors="replace")))
        out.append(f"<mark>{html.escape(raw[span.start : span.end].decode(errors='replace'))}</mark>")
        cursor = span.end
    out.append(html.escape(raw[cursor:].decode(errors="replace")))
    return "".join(out).replace(PAGE_BREAK, " ").strip()


def leaves(node: ast.Node) -> list[_Leaf]:
    """The word-level parts of a (positive) query."""
    if isinstance(node, ast.And | ast.Or):
        return [leaf for child in node.children for leaf in leaves(child)]
    if isinstance(node, ast.Term | ast.Phrase | ast.Prefix | ast.Wildcard | ast.Fuzzy):
        return [node]
    return []


def _edits(first: str, second: str) -> int:
    """Levenshtein distance with adjacent transpositions (optimal string alignment)."""
    rows = [list(range(len(second) + 1))]
    for i, a in enumerate(first, 1):
        row = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _needs_care(leaf: _Leaf) -> bool:
    if isinstance(leaf, ast.Prefix | ast.Wildcard | ast.Fuzzy):
        return True
    return len(_WORD.findall(leaf.text)) > 1  # a phrase (or a word that splits in several)


class Highlighter:
    """Makes highlights for the hits of one search."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        schema: tantivy.Schema,
        node: ast.Node | None = None,
        compiler: QueryCompiler | None = None,
        page_ids: list[str] | None = None,
        page_addresses: dict[tuple[int, int], str] | None = None,
        analyzers: Analyzers | None = None,
    ) -> None:
        """`page_addresses`: (segment, doc) → id of the page's hits, so that matches need no reads."""
        self._searcher = searcher
        self._query = query
        self._schema = schema
        parts = leaves(node) if node is not None else []
        self._careful = compiler is not None and any(_needs_care(leaf) for leaf in parts)
        self._leaves = parts
        self._compiler = compiler
        self._page_ids = sorted(set(page_ids or []))
        self._addresses = page_addresses or {}
        self._analyzers = analyzers
        # Caches for one page of hits: snippet generators by (index field, query words),
        # compiled words, and which hits of the page each (word, field) really matches.
        self._generators: dict[tuple[str, tuple[ast.Node, ...] | None], tantivy.SnippetGenerator] = {}
        self._compiled: dict[tuple[ast.Node, ...], tantivy.Query] = {}
        self._matching: dict[object, set[str]] = {}

    def _compile(self, nodes: tuple[ast.Node, ...]) -> tantivy.Query:
        assert self._compiler is not None
        if nodes not in self._compiled:
            self._compiled[nodes] = self._compiler.compile(nodes[0] if len(nodes) == 1 else ast.Or(nodes))
        return self._compiled[nodes]

    def _generator(self, index_field: str, words: tuple[ast.Node, ...] | None) -> tantivy.SnippetGenerator:
        key = (index_field, words)
        if key not in self._generators:
            query = self._query if words is None else self._compile(words)
            generator = tantivy.SnippetGenerator.create(self._searcher, query, self._schema, index_field)
            generator.set_max_num_chars(_MAX_CHARS)
            self._generators[key] = generator
        return self._generators[key]

    def _contains_exactly(self, leaf: ast.Node, text: str) -> bool:
        """Whether `text` holds the words of phrase `leaf` in a row, as the exact field has them.

        A yes is always right (the exact variant of the phrase matches); a no decides nothing.
        """
        if self._analyzers is None or not isinstance(leaf, ast.Term | ast.Phrase):
            return False
        exact = self._analyzers.exact
        words = exact.analyze(leaf.text)
        if not words:
            return False
        tokens = exact.analyze(text)
        first, size = words[0], len(words)
        return any(tokens[at : at + size] == words for at, token in enumerate(tokens) if token == first)

    def _cannot_match(self, leaf: ast.Node, text: str) -> bool:
        """Whether every analyzer misses a word of phrase `leaf` in `text` (then no variant matches).

        A yes is always right: a phrase needs all its words in the field; a no decides nothing.
        """
        if self._analyzers is None or not isinstance(leaf, ast.Term | ast.Phrase):
            return False
        analyzers = [self._analyzers.exact, *self._analyzers.stemmed.values()]
        for analyzer in analyzers:
            words = analyzer.analyze(leaf.text)
            if words and set(words) <= set(analyzer.analyze(text)):
                return False
        return True

    def _matches(self, leaf: ast.Node, doc_id: str, text: str = "") -> bool:
        """Whether `leaf` matches document `doc_id` (one search per word for the whole page)."""
        if text and self._contains_exactly(leaf, text):
            return True
        if text and self._cannot_match(leaf, text):
            return False
        ids = self._page_ids if doc_id in self._page_ids else [doc_id]
        key = leaf if ids is self._page_ids else (leaf, doc_id)
        if key not in self._matching:
            page = any_term(self._schema, "id", ids)
            both = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, self._compile((leaf,))), (tantivy.Occur.Must, page)]
            )
            found = self._searcher.search(both, limit=len(ids), count=False).hits
            self._matching[key] = {self._id_at(address) for _, address in found}
        return doc_id in self._matching[key]

    def _id_at(self, address: tantivy.DocAddress) -> str:
        known = self._addresses.get((address.segment_ord, address.doc))
        return known if known is not None else str(self._searcher.doc(address).get_first("id"))

    def _expand(self, leaf: ast.Prefix | ast.Wildcard | ast.Fuzzy, field: str, doc_id: str) -> list[ast.Node]:
        """The document's own terms of `field` that a pattern or fuzzy word matches."""
        me = tantivy.Query.term_query(self._schema, "id", doc_id)
        if isinstance(leaf, ast.Prefix):
            start, accept = fold(leaf.prefix), None
        elif isinstance(leaf, ast.Wildcard):
            literal = re.split(r"[*?]", leaf.pattern, maxsplit=1)[0]
            regex = "".join(
                ".*" if c == "*" else "." if c == "?" else re.escape(fold(c)) for c in leaf.pattern
            )
            start, accept = fold(literal), re.compile(regex)
        else:
            word = fold(leaf.text)
            distance = fuzzy_distance(word, leaf.distance)
            return [
                ast.Term(term, field=field, exact=True)
                for term, _ in self._searcher.terms_with_prefix(field, "", filter_query=me)
                if _edits(word, term) <= distance
            ]
        return [
            ast.Term(term, field=field, exact=True)
            for term, _ in self._searcher.terms_with_prefix(field, start, filter_query=me)
            if accept is None or accept.fullmatch(term)
        ]

    def _field_words(self, field: str, doc_id: str, text: str) -> tuple[ast.Node, ...]:
        """The query words that really match `field` of this document."""
        kept: list[ast.Node] = []
        for leaf in self._leaves:
            if leaf.field not in (None, field):
                continue
            scoped = type(leaf)(**{**leaf.__dict__, "field": field})
            if isinstance(scoped, ast.Prefix | ast.Wildcard | ast.Fuzzy):
                kept += self._expand(scoped, field, doc_id)
            elif not _needs_care(scoped) or self._matches(scoped, doc_id, text):
                kept.append(scoped)
        return tuple(kept)

    def highlights(self, stored: tantivy.Document) -> list[Highlight]:
        """Fragments of `stored` that contain a match, text first."""
        language = stored.get_first("language")
        codes = [language] if language in STEM_LANGUAGES else list(STEM_LANGUAGES)
        result: list[Highlight] = []
        doc_id = str(stored.get_first("id"))
        for field in _FIELDS:
            text = stored.get_first(field)
            if not isinstance(text, str) or not text:
                continue
            words = self._field_words(field, doc_id, text) if self._careful else None
            if words == ():
                continue
            variants = [field, *(stemmed_field(field, code) for code in codes)]
            holder = tantivy.Document()  # one document holds the text under every variant's name
            for index_field in variants:
                holder.add_text(index_field, text)
            best: tantivy.Snippet | None = None
            best_marks: list[tantivy.Range] = []
            for index_field in variants:
                snippet = self._generator(index_field, words).snippet_from_doc(holder)
                marks = snippet.highlighted()
                if len(marks) > len(best_marks):
                    best, best_marks = snippet, marks
            if best is None:
                continue
            page = None
            if field == "text":
                first = min(r.start for r in best_marks)
                offset = best.fragment_range().start + first
                page = text.encode()[:offset].count(PAGE_BREAK.encode()) + 1
            result.append(Highlight(_render(best, best_marks), page))
        return result
