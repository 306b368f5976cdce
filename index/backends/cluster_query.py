"""Translation of query-language nodes (and request filters) into the Query DSL.

The counterpart of ``embedded_query``: node for node, the same matching rules.

- A word or phrase on a text field is a ``match_phrase`` on the exact field
  (boosted ×1.5) and on each stemmed sub-field, best one wins (``dis_max``); a
  stemmed sub-field only counts for documents of its language or of none
  (see ``cluster_mapping``). Words are analysed by the field's own analyzer.
- A word that analyses to nothing (punctuation) is dropped, as embedded does.
- Prefix, wildcard and fuzzy work on the exact field with the pattern folded
  here the way the exact analyzer folds (lower case, accents off).
- Keyword fields match the whole value as typed or lower-cased; patterns on
  them are case-insensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from index.backend import SearchError, SearchRequest
from index.backends.cluster_mapping import LANGUAGE_EXCLUDES, subfield
from index.fields import BOOL_FIELDS, KEYWORD_FIELDS, TEXT_FIELDS
from index.query import ast
from index.query.semantics import fold, fuzzy_distance, utc
from index.query.values import FieldValueError, bool_value, resolve_field

__all__ = ["MATCH_ALL", "excluded_ids", "filters", "translate"]

Json = dict[str, Any]
MATCH_ALL: Json = {"match_all": {}}
_MATCH_NONE: Json = {"match_none": {}}
_EXACT_BOOST = 1.5
_TIE_BREAKER = 0.1
# Fuzzy and pattern queries expand to at most this many terms (tantivy has no limit).
_MAX_EXPANSIONS = 1_000
# Values per `terms` clause: well under index.max_terms_count (65,536 by default).
_TERMS_CHUNK = 10_000
_WORD = re.compile(r"[^\W_]+")
_Leaf = ast.Term | ast.Phrase | ast.Prefix | ast.Wildcard | ast.Fuzzy


def _best_of(queries: list[Json]) -> Json:
    return queries[0] if len(queries) == 1 else {"dis_max": {"queries": queries, "tie_breaker": _TIE_BREAKER}}


def _bool(**clauses: list[Json]) -> Json:
    return {"bool": {name: value for name, value in clauses.items() if value}}


def translate(node: ast.Node) -> Json:
    """The Query DSL for `node` (a word that analyses to nothing matches nothing)."""
    query = _node(node)
    return query if query is not None else _MATCH_NONE


def _node(node: ast.Node) -> Json | None:
    if isinstance(node, ast.MatchAll):
        return MATCH_ALL
    if isinstance(node, ast.And):
        return _and(node.children)
    if isinstance(node, ast.Or):
        parts = [q for q in (_node(child) for child in node.children) if q is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}}
    if isinstance(node, ast.Not):
        return _and((node,))
    if isinstance(node, ast.Range):
        return _range(node)
    if isinstance(node, ast.Flag):
        return {"term": {node.field: node.value}}
    if isinstance(node, ast.Exists):
        return {"exists": {"field": node.field}}
    return _leaf(node)


def _and(children: Iterable[ast.Node]) -> Json | None:
    must: list[Json] = []
    must_not: list[Json] = []
    for child in children:
        negated = isinstance(child, ast.Not)
        query = _node(child.child if isinstance(child, ast.Not) else child)
        if query is not None:
            (must_not if negated else must).append(query)
    if not must and not must_not:
        return None
    if len(must) == 1 and not must_not:
        return must[0]
    return _bool(must=must or [MATCH_ALL], must_not=must_not)


def _value(value: ast.RangeValue) -> Any:
    return utc(value).isoformat() if isinstance(value, datetime) else value


def _range(node: ast.Range) -> Json:
    if node.lower is None and node.upper is None:
        return {"exists": {"field": node.field}}
    spec: Json = {}
    if node.lower is not None:
        spec["gte" if node.include_lower else "gt"] = _value(node.lower)
    if node.upper is not None:
        spec["lte" if node.include_upper else "lt"] = _value(node.upper)
    return {"range": {node.field: spec}}


def _leaf(node: _Leaf) -> Json | None:
    if node.field is not None and node.field in KEYWORD_FIELDS:
        return _keyword(node, node.field)
    fields = (node.field,) if node.field is not None else TEXT_FIELDS
    parts = [q for q in (_text(node, field) for field in fields) if q is not None]
    return _best_of(parts) if parts else None


def _text(node: _Leaf, field: str) -> Json | None:
    if isinstance(node, ast.Prefix):
        prefix = fold(node.prefix)
        return {"prefix": {field: {"value": prefix, "rewrite": "constant_score"}}} if prefix else MATCH_ALL
    if isinstance(node, ast.Wildcard):
        return {"wildcard": {field: {"value": fold(node.pattern), "rewrite": "constant_score"}}}
    if isinstance(node, ast.Fuzzy):
        words = _WORD.findall(fold(node.text))
        if len(words) != 1:
            return _words(ast.Term(node.text, exact=True), field)
        spec = {
            "value": words[0],
            "fuzziness": fuzzy_distance(words[0], node.distance),
            "transpositions": True,
            "prefix_length": 0,
            "max_expansions": _MAX_EXPANSIONS,
        }
        return {"fuzzy": {field: spec}}
    return _words(node, field)


def _words(node: ast.Term | ast.Phrase, field: str) -> Json | None:
    """Exact and stemmed variants of a word or phrase on one text field, best one wins."""
    if not _WORD.search(node.text):
        return None
    slop = node.slop if isinstance(node, ast.Phrase) else 0
    variants: list[Json] = [
        {"match_phrase": {field: {"query": node.text, "slop": slop, "boost": _EXACT_BOOST}}}
    ]
    if not node.exact:
        for code, excluded in LANGUAGE_EXCLUDES.items():
            stemmed = {"match_phrase": {subfield(field, code): {"query": node.text, "slop": slop}}}
            variants.append(_bool(must=[stemmed], must_not=[{"terms": {"language": excluded}}]))
    return _best_of(variants)


def _keyword(node: _Leaf, field: str) -> Json:
    if isinstance(node, ast.Prefix):
        return {"prefix": {field: {"value": node.prefix, "case_insensitive": True}}}
    if isinstance(node, ast.Wildcard):
        return {"wildcard": {field: {"value": node.pattern, "case_insensitive": True}}}
    if isinstance(node, ast.Fuzzy):
        text = node.text.lower()
        spec = {
            "value": text,
            "fuzziness": fuzzy_distance(node.text, node.distance),
            "transpositions": True,
            "max_expansions": _MAX_EXPANSIONS,
        }
        return {"fuzzy": {field: spec}}
    return {"terms": {field: sorted({node.text, node.text.lower()})}}


def excluded_ids(request: SearchRequest) -> list[Json]:
    """`terms` clauses for `request.exclude_ids`, in chunks under the engine's terms limit."""
    ids = sorted(request.exclude_ids)
    return [{"terms": {"id": ids[i : i + _TERMS_CHUNK]}} for i in range(0, len(ids), _TERMS_CHUNK)]


def filters(request: SearchRequest) -> list[Json]:
    """The request's structured filters (they restrict, never score)."""
    result: list[Json] = []
    for name, values in request.filters.items():
        field = resolve_field(name)
        if not values:
            continue
        if field in KEYWORD_FIELDS:
            result.append({"terms": {field: sorted({v for value in values for v in (value, value.lower())})}})
        elif field in BOOL_FIELDS:
            try:
                flags = sorted({bool_value(field, value) for value in values})
            except FieldValueError as err:
                raise SearchError(str(err)) from err
            result.append({"terms": {field: flags}})
        else:
            raise SearchError(f"cannot filter on {name!r}: filters need a keyword or boolean field")
    if request.date_from is not None or request.date_to is not None:
        spec: Json = {}
        if request.date_from is not None:
            spec["gte"] = utc(request.date_from).isoformat()
        if request.date_to is not None:
            spec["lte"] = utc(request.date_to).isoformat()
        result.append({"range": {"date": spec}})
    return result
