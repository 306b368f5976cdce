"""Translation of query-language nodes into tantivy `Query` objects.

Tantivy's own query parser is never used: it gets ``a AND NOT b`` and ``x*``
wrong. Every node is compiled here, with the same analyzers the index uses, so
a query word is stemmed exactly as the indexed words were.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise

import tantivy

from index.backend import SearchError
from index.backends.embedded_pairs import pair, pairs_field
from index.backends.embedded_schema import Analyzers
from index.fields import DATE_FIELDS, FLOAT_FIELDS, KEYWORD_FIELDS, TEXT_FIELDS
from index.query import ast
from index.query.semantics import fuzzy_distance, utc

__all__ = ["QueryCompiler", "any_term"]

# An exact (unstemmed) match is a better hit than a match on a stem only.
_EXACT_BOOST = 1.5
_TIE_BREAKER = 0.1
_Leaf = ast.Term | ast.Phrase | ast.Prefix | ast.Wildcard | ast.Fuzzy
_REGEX_META = frozenset("\\.+*?()|[]{}^$#&-~")


_FEW_TERMS = 64
_COMPILED = 64  # compiled trees kept (`QueryCompiler.compile`)


def any_term(schema: tantivy.Schema, field: str, values: Iterable[object]) -> tantivy.Query:
    """Documents whose `field` holds one of `values` (whole terms).

    A few values are OR-ed term queries: they intersect lazily with the rest of the
    query. tantivy's term-set query first marks every matching document of the index
    in a bit set, about a millisecond at 200,000 documents for a filter like
    ``language:it``, however few documents the rest of the query matches.
    """
    terms = sorted(set(values), key=str)
    if len(terms) > _FEW_TERMS:
        return tantivy.Query.term_set_query(schema, field, terms)
    if len(terms) == 1:
        return tantivy.Query.term_query(schema, field, terms[0])
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.term_query(schema, field, term)) for term in terms]
    )


def _escape(text: str) -> str:
    return "".join(f"\\{char}" if char in _REGEX_META else char for char in text)


def _best_of(queries: list[tantivy.Query], *, scoring: bool = True) -> tantivy.Query:
    """The best-scoring of `queries`; when not `scoring`, a plain OR (the same documents match)."""
    if len(queries) == 1:
        return queries[0]
    if not scoring:
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])
    return tantivy.Query.disjunction_max_query(queries, _TIE_BREAKER)


class QueryCompiler:
    """Builds tantivy queries for one schema and set of analyzers."""

    def __init__(
        self, schema: tantivy.Schema, analyzers: Analyzers, *, pairs: bool = False, scoring: bool = True
    ) -> None:
        """`pairs`: phrases use the word-pair fields (the index has them); without, positions only.

        `scoring=False`: queries that match the same documents but are cheaper to run where no
        score is read (counts, facets, histograms): a word's variants are OR-ed instead of
        competing in a disjunction max, which tantivy iterates about 2.5 times slower, and
        nothing is boosted.
        """
        self._schema = schema
        self._analyzers = analyzers
        self._pairs = pairs
        self._scoring = scoring
        # The same tree is compiled several times by one search by meaning (ranking, checks,
        # highlights): its analysed words are looked up once. Queries are immutable.
        self._compiled: OrderedDict[ast.Node, tantivy.Query] = OrderedDict()

    def compile(self, node: ast.Node) -> tantivy.Query:
        """The tantivy query for `node` (a word that analyses to nothing matches nothing)."""
        query = self._compiled.get(node)
        if query is None:
            compiled = self._node(node)
            query = compiled if compiled is not None else tantivy.Query.empty_query()
            self._compiled[node] = query
            while len(self._compiled) > _COMPILED:
                self._compiled.popitem(last=False)
        return query

    # -- structure -------------------------------------------------------------------------------

    def _node(self, node: ast.Node) -> tantivy.Query | None:
        if isinstance(node, ast.MatchAll):
            return tantivy.Query.all_query()
        if isinstance(node, ast.And):
            return self._and(node.children)
        if isinstance(node, ast.Or):
            parts = [q for q in (self._node(child) for child in node.children) if q is not None]
            return self._boolean([(tantivy.Occur.Should, q) for q in parts])
        if isinstance(node, ast.Not):
            return self._and((node,))
        if isinstance(node, ast.Range):
            return self._range(node)
        if isinstance(node, ast.Flag):
            return tantivy.Query.term_query(self._schema, node.field, node.value)
        if isinstance(node, ast.Exists):
            if node.field in TEXT_FIELDS:
                return tantivy.Query.regex_query(self._schema, node.field, ".+")
            return tantivy.Query.exists_query(node.field)
        return self._leaf(node)

    def _and(self, children: Iterable[ast.Node]) -> tantivy.Query | None:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for child in children:
            negated = isinstance(child, ast.Not)
            query = self._node(child.child if isinstance(child, ast.Not) else child)
            if query is not None:
                clauses.append((tantivy.Occur.MustNot if negated else tantivy.Occur.Must, query))
        if clauses and all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
            # Tantivy matches nothing with only MUST_NOT clauses; "NOT b" means "all but b".
            clauses.insert(0, (tantivy.Occur.Must, tantivy.Query.all_query()))
        return self._boolean(clauses)

    @staticmethod
    def _boolean(clauses: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query | None:
        if not clauses:
            return None
        if len(clauses) == 1 and clauses[0][0] != tantivy.Occur.MustNot:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)

    def _range(self, node: ast.Range) -> tantivy.Query:
        if node.field in DATE_FIELDS:
            kind = tantivy.FieldType.Date
        elif node.field in FLOAT_FIELDS:
            kind = tantivy.FieldType.Float
        else:
            kind = tantivy.FieldType.Integer
        if node.lower is None and node.upper is None:
            return tantivy.Query.exists_query(node.field)
        return tantivy.Query.range_query(
            self._schema,
            node.field,
            kind,
            lower_bound=self._bound(node.lower, kind),
            upper_bound=self._bound(node.upper, kind),
            include_lower=node.include_lower,
            include_upper=node.include_upper,
        )

    @staticmethod
    def _bound(value: ast.RangeValue | None, kind: tantivy.FieldType) -> ast.RangeValue | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return utc(value)
        return float(value) if kind == tantivy.FieldType.Float else int(value)

    # -- words -----------------------------------------------------------------------------------

    def _leaf(self, node: _Leaf) -> tantivy.Query | None:
        if node.field is not None and node.field in KEYWORD_FIELDS:
            return self._keyword(node, node.field)
        fields = (node.field,) if node.field is not None else TEXT_FIELDS
        parts = [q for q in (self._text(node, field) for field in fields) if q is not None]
        if not parts:
            return None
        return _best_of(parts, scoring=self._scoring)

    def _text(self, node: _Leaf, field: str) -> tantivy.Query | None:
        if isinstance(node, ast.Prefix):
            return self._regex(field, self._fold(node.prefix) + ".*")
        if isinstance(node, ast.Wildcard):
            return self._regex(field, self._wildcard_regex(node.pattern))
        if isinstance(node, ast.Fuzzy):
            words = self._analyzers.exact.analyze(node.text)
            if len(words) != 1:
                return self._words(ast.Term(node.text, exact=True), field)
            distance = fuzzy_distance(words[0], node.distance)
            return tantivy.Query.fuzzy_term_query(self._schema, field, words[0], distance, True)
        return self._words(node, field)

    def _words(self, node: ast.Term | ast.Phrase, field: str) -> tantivy.Query | None:
        """Exact and stemmed variants of a word or phrase on one text field, best one wins."""
        slop = node.slop if isinstance(node, ast.Phrase) else 0
        variants: list[tantivy.Query] = []
        for index_field, analyzer in self._analyzers.variants(field, exact=node.exact):
            tokens = analyzer.pre_tokenize(node.text).tokens
            if not tokens:
                continue
            if len(tokens) == 1:
                query = tantivy.Query.term_query(self._schema, index_field, tokens[0].text)
            else:
                first = tokens[0].position
                query = self._phrase(index_field, [(t.position - first, t.text) for t in tokens], slop)
            if index_field == field and self._scoring:
                query = tantivy.Query.boost_query(query, _EXACT_BOOST)
            variants.append(query)
        if not variants:
            return None
        return _best_of(variants, scoring=self._scoring)

    def _phrase(self, index_field: str, words: list[tuple[int, str]], slop: int) -> tantivy.Query:
        """A phrase of analysed `words` (position, token): by word pairs where it can (`embedded_pairs`)."""
        positional: list[str | tuple[int, str]] = list(words)
        phrase = tantivy.Query.phrase_query(self._schema, index_field, positional, slop)
        if slop or not self._pairs:
            return phrase
        pairs = sorted({pair(a, b) for (p, a), (q, b) in pairwise(words) if q == p + 1})
        field = pairs_field(index_field)
        if len(words) == 2 and pairs:
            return tantivy.Query.term_query(self._schema, field, pairs[0])
        if not pairs:
            return phrase
        # The pairs only narrow the documents whose positions are read; the phrase decides and scores.
        held = [tantivy.Query.term_query(self._schema, field, p) for p in pairs]
        clauses = [phrase, *(tantivy.Query.const_score_query(q, 0.0) for q in held)]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in clauses])

    def _keyword(self, node: _Leaf, field: str) -> tantivy.Query:
        """Keyword values match whole; as typed or lower-cased (e-mail addresses are stored lower)."""
        if isinstance(node, ast.Prefix):
            return self._regex(field, "(?i)" + _escape(node.prefix) + ".*")
        if isinstance(node, ast.Wildcard):
            regex = "".join(".*" if c == "*" else "." if c == "?" else _escape(c) for c in node.pattern)
            return self._regex(field, "(?i)" + regex)
        if isinstance(node, ast.Fuzzy):
            distance = fuzzy_distance(node.text, node.distance)
            return tantivy.Query.fuzzy_term_query(self._schema, field, node.text.lower(), distance, True)
        # constant, as the term set was (and as a cluster's `terms` query is): a keyword never ranks
        whole = any_term(self._schema, field, {node.text, node.text.lower()})
        return tantivy.Query.const_score_query(whole, 1.0)

    def _fold(self, text: str) -> str:
        """Lower-case and accent-fold a literal piece of a pattern, as the index did."""
        return _escape("".join(self._analyzers.exact.analyze(text)))

    def _wildcard_regex(self, pattern: str) -> str:
        out: list[str] = []
        literal: list[str] = []
        for char in pattern:
            if char in "*?":
                out.append(self._fold("".join(literal)))
                literal.clear()
                out.append(".*" if char == "*" else ".")
            else:
                literal.append(char)
        out.append(self._fold("".join(literal)))
        return "".join(out)

    def _regex(self, field: str, pattern: str) -> tantivy.Query:
        try:
            return tantivy.Query.regex_query(self._schema, field, pattern)
        except ValueError as err:
            raise SearchError(f"cannot search the pattern {pattern!r}: {err}") from err
