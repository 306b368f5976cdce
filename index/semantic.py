"""Search by meaning and hybrid search, the same on every backend.

Three modes, one language (`SearchRequest.mode`):

- **keyword** — the query language, as always (`index.query`).
- **semantic** — documents ranked by their passage most similar to the query's vector
  (`SearchRequest.vector`, from the multilingual sentence encoder: an English query
  finds Italian passages). The result set is the `SEMANTIC_DEPTH` most similar
  documents that the request may see; a keyword part of the query, if any, restricts it.
- **hybrid** — the keyword ranking and the semantic ranking, each `SEMANTIC_DEPTH` deep,
  fused by `index.fusion`: where they agree, a convex fusion of scores re-ranked by
  pseudo-relevance feedback from the passages that matched; where they do not, reciprocal
  rank fusion; the best document by meaning is never below rank `fusion.MEANING_RANK`.
  When the keyword part is bare words (what a typed sentence parses to: no fields,
  operators or patterns), it is searched as a ranked disjunction (`any_words`): a
  document with any of the words (stop words left out) matches and BM25 ranks them,
  instead of the keyword mode's AND of every word, which finds next to nothing for a
  sentence of ten words. The total then counts documents with any of the words.

`plan_query` turns the user's text and chosen mode into a `QueryPlan`: ``~"free text"``
asks for meaning inside a query (``~"rimborso in ritardo" type:email``: hybrid of the
rest and the meaning, or semantic alone when nothing else is written); with
``mode=auto`` a plain sentence of `SENTENCE_WORDS` words or more, without any query
syntax, is searched hybrid; every other query stays a keyword query, unchanged.

No leak through similarity: a backend's `nearest_passages` knows nothing of scopes or
filters, so every document it names is checked by `SearchBackend.matching_ids`: a keyword
search restricted to those ids (`SearchRequest.only_ids`) carrying the request's filters,
dates, exclusions and the scope the API added (the embedded index answers it with one
search that reads no stored document); only documents it returns are ranked, counted,
faceted or shown. The passage search asks for twice as many passages as documents are
wanted; when too few pass, it is widened (x4) until enough pass or every passage has
been seen. The keyword list of hybrid mode comes from `SearchBackend.keyword_ranking`
(ids, total and facets; the embedded index converts no stored fields for it), and the
page's fields are read once: with the keyword highlights for the page's keyword hits,
by one more search for the others.

Facets, dates and filters therefore work as in keyword mode; paging is by `offset`
within the ranked set (cursors are refused); a semantic hit's first highlight is the
passage that matched, with its page (`<mark>`-free, HTML-escaped).
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from index import fusion
from index.backend import (
    FacetBucket,
    Highlight,
    Hit,
    Mode,
    PassageMatch,
    SearchError,
    SearchRequest,
    SearchResult,
)
from index.query import ast, parse
from index.query.stopwords import is_stop_word

if TYPE_CHECKING:
    from index.backend import SearchBackend

__all__ = [
    "MAX_DEPTH",
    "MIN_SIMILARITY",
    "SEMANTIC_DEPTH",
    "SENTENCE_WORDS",
    "QueryPlan",
    "any_words",
    "looks_like_sentence",
    "plan_query",
    "search_by_meaning",
]

SEMANTIC_DEPTH = 100  # documents per ranked list
MAX_DEPTH = 1_000  # offset + limit in semantic and hybrid modes
SENTENCE_WORDS = 5
# Cosine below which a passage is not about the query at all (USE-m v3: unrelated texts score
# about 0.0-0.1, paraphrases and translations 0.4-0.9); such documents are not in the result set.
MIN_SIMILARITY = 0.1
_CANDIDATES = 2  # passages asked for per document wanted (then x4 while too few pass)

RequestedMode = Literal["auto", "keyword", "semantic", "hybrid"]

_MEANING = re.compile(r'(?:(?<=\s)|^)~"([^"]*)"')
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Anything of the query language (fields, phrases, groups, wildcards, fuzzy, ranges, operators).
_SYNTAX = re.compile(r"[:\"()*~\[\]{}=<>+!&|\\]|(?:^|\s)-|\b(?:AND|OR|NOT)\b|\?(?!\s*$)")


@dataclass(frozen=True)
class QueryPlan:
    """How to run a query: the mode, the keyword query, and the text to embed ("" for none)."""

    mode: Mode
    keyword: str
    meaning: str


def looks_like_sentence(query: str) -> bool:
    """A plain sentence: `SENTENCE_WORDS` words or more and no query syntax (a final ? is allowed)."""
    text = query.strip()
    return len(_WORD.findall(text)) >= SENTENCE_WORDS and not _SYNTAX.search(text)


def plan_query(query: str, mode: RequestedMode = "auto") -> QueryPlan:
    """Split the user's query into its keyword part and its meaning, and choose the mode."""
    meanings = _MEANING.findall(query)
    if meanings:
        rest = " ".join(_MEANING.sub(" ", query).split())
        meaning = " ".join(m.strip() for m in meanings if m.strip())
        if mode in ("auto", "hybrid") and rest:
            return QueryPlan("hybrid", rest, meaning)
        if mode == "keyword":
            return QueryPlan("keyword", " ".join([rest, *(f'"{m}"' for m in meanings if m.strip())]), "")
        return QueryPlan("semantic", rest, meaning)
    text = query.strip()
    if mode == "keyword" or not text:
        return QueryPlan("keyword", query, "")
    if mode == "semantic":
        return QueryPlan("semantic", "", text)
    if mode == "hybrid" or looks_like_sentence(text):
        keyword = text[:-1].rstrip() if text.endswith(("?", ".", "!")) else text
        return QueryPlan("hybrid", keyword, text)
    return QueryPlan("keyword", query, "")


def _bare(node: ast.Node) -> bool:
    return isinstance(node, ast.Term | ast.Phrase) and node.field is None and not node.exact


def _stop_word(node: ast.Node) -> bool:
    """A one-word term that some language's analyzer drops ("the", "per", "non", "come")."""
    return isinstance(node, ast.Term) and is_stop_word(node.text)


def any_words(tree: ast.Node) -> ast.Node:
    """Bare words as a ranked disjunction (any word matches; BM25 sums the words found).

    Stop words of either language are left out of it: in a disjunction "the" or "per"
    would match nearly every document, and rank fusion counts ranks, not scores.
    Anything that is not two or more bare words (a field, an operator, a pattern, one word)
    is returned unchanged, and so is a sentence of stop words alone: the user wrote the
    query language and gets it.
    """
    words = tree.children if isinstance(tree, ast.And) else (tree,)
    if len(words) < 2 or not all(_bare(word) for word in words):
        return tree
    content = tuple(dict.fromkeys(word for word in words if not _stop_word(word)))
    if not content:
        return tree
    return content[0] if len(content) == 1 else ast.Or(content)


def _semantic_ranking(backend: SearchBackend, request: SearchRequest, depth: int) -> list[PassageMatch]:
    """The best passage of each of the `depth` most similar documents the request may see."""
    assert request.vector is not None
    vector = list(request.vector)
    # The passages nearest a query are nearly all of different documents, so twice the depth
    # is enough unless the request's filters or scope reject many (then x4); the passage
    # search's cost grows with k. The ranking is the same for any k that reaches `depth`.
    k = _CANDIDATES * depth
    checked: dict[str, bool] = {}
    previous = -1
    while True:
        matches = backend.nearest_passages(vector, k)
        best: dict[str, PassageMatch] = {}
        for match in matches:
            if match.score >= MIN_SIMILARITY:
                best.setdefault(match.doc_id, match)
        unseen = [doc_id for doc_id in best if doc_id not in checked]
        passed = backend.matching_ids(request, unseen)
        checked.update({doc_id: doc_id in passed for doc_id in unseen})
        ranked = [match for doc_id, match in best.items() if checked[doc_id]]
        exhausted = len(matches) < k or len(matches) <= previous  # all seen, or the engine's cap
        if len(ranked) >= depth or exhausted or matches[-1].score < MIN_SIMILARITY:
            return ranked[:depth]
        previous = len(matches)
        k *= 4


def _hybrid_order(
    backend: SearchBackend, request: SearchRequest, keyword: list[Hit], passages: list[PassageMatch]
) -> list[tuple[str, float]]:
    """The fused ranking of hybrid mode (`index.fusion`). The feedback passages are those of
    `passages`, documents that passed the request's filters and scope; the feedback search
    carries them too (`SearchRequest.as_keyword`)."""
    keyword_ids = [hit.id for hit in keyword]
    meaning = {match.doc_id: match.score for match in passages}
    if not fusion.agree(keyword_ids, meaning):
        return fusion.reciprocal_rank(keyword_ids, list(meaning))
    scores = {hit.id: hit.score for hit in keyword}
    first = [doc_id for doc_id, _ in fusion.convex(scores, meaning)]
    tree = fusion.feedback_query(fusion.feedback_terms(first, {m.doc_id: m.text for m in passages}))
    if tree is not None:
        # Only the keyword hits are re-ranked: the feedback search is restricted to them (cheap).
        only = frozenset(keyword_ids)
        extra = backend.keyword_ranking(request.as_keyword(tree=tree, only_ids=only, limit=len(only)))
        feedback = {hit.id: hit.score for hit in extra.hits}
        scores = fusion.with_feedback(scores, feedback)
    return fusion.promote(fusion.convex(scores, meaning), passages[0].doc_id if passages else None)


def _merge_facets(
    parts: list[dict[str, list[FacetBucket]]], names: list[str], size: int
) -> dict[str, list[FacetBucket]]:
    merged: dict[str, list[FacetBucket]] = {}
    for name in names:
        counts: Counter[str] = Counter()
        for part in parts:
            for bucket in part.get(name, []):
                counts[bucket.value] += bucket.count
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]
        merged[name] = [FacetBucket(value, count) for value, count in ordered]
    return merged


def _facets(backend: SearchBackend, request: SearchRequest, ids: set[str]) -> dict[str, list[FacetBucket]]:
    if not request.facets:
        return {}
    if not ids:
        return {name: [] for name in request.facets}
    found = backend.search(
        request.as_keyword(
            only_ids=frozenset(ids), limit=0, facets=request.facets, facet_size=request.facet_size
        )
    )
    return found.facets


def _date_key(hit_date: object) -> float:
    return hit_date.timestamp() if isinstance(hit_date, datetime) else float("-inf")


def search_by_meaning(backend: SearchBackend, request: SearchRequest) -> SearchResult:
    """Run a `semantic` or `hybrid` request on `backend` (see the module's docstring)."""
    started = time.perf_counter()
    if request.vector is None:
        raise SearchError(f"a {request.mode} search needs the query's vector")
    if request.search_after is not None:
        raise SearchError(f"cursors page keyword searches only; page a {request.mode} search with offset")
    if request.offset < 0 or request.limit < 0:
        raise SearchError("offset and limit must not be negative")
    if request.offset + request.limit > MAX_DEPTH:
        raise SearchError(f"offset + limit may not exceed {MAX_DEPTH} in {request.mode} mode")
    depth = max(SEMANTIC_DEPTH, request.offset + request.limit)
    if request.mode == "hybrid" and not request.query.strip() and request.tree is None:
        request = replace(request, mode="semantic")  # nothing to fuse with: all documents match ""
    if request.mode == "hybrid":
        tree = request.tree if request.tree is not None else parse(request.query)
        request = replace(request, tree=any_words(tree))
    # In hybrid mode the meaning ranks on its own: the keyword part is the other list.
    by_meaning = request if request.mode == "semantic" else replace(request, query="", tree=None)
    passages = _semantic_ranking(backend, by_meaning, depth)
    passage_of = {match.doc_id: match for match in passages}
    keyword_ids: set[str] = set()
    if request.mode == "semantic":
        fused = [(match.doc_id, match.score) for match in passages]
        total = len(fused)
        facets = _facets(backend, request, set(passage_of))
    else:
        keyword = backend.keyword_ranking(
            request.as_keyword(limit=depth, facets=request.facets, facet_size=request.facet_size)
        )
        keyword_ids = {hit.id for hit in keyword.hits}
        fused = _hybrid_order(backend, request, keyword.hits, passages)
        # Documents found by meaning alone (their text does not match the keyword query at all).
        matching = backend.matching_ids(request, passage_of)
        extra = set(passage_of) - matching
        keyword_ids |= matching
        total = keyword.total + len(extra)
        facets = _merge_facets(
            [keyword.facets, _facets(backend, replace(request, query="", tree=None), extra)],
            request.facets,
            request.facet_size,
        )
    order = [doc_id for doc_id, _ in fused]
    score_of = dict(fused)
    # Every id in `order` already passed the request's filters and scope; fields are read
    # for the page alone unless the order depends on them.
    if request.sort != "relevance" or request.collapse_threads:
        shown = _fetch(backend, request, order)
        if request.sort != "relevance":
            order = sorted(
                (doc_id for doc_id in order if doc_id in shown),
                key=lambda doc_id: _date_key(shown[doc_id].fields.get("date")),
                reverse=request.sort == "date_desc",
            )
        if request.collapse_threads:
            order = _collapse(order, shown)
        window = [doc_id for doc_id in order if doc_id in shown]
        page = window[request.offset : request.offset + request.limit]
        marked = _keyword_highlights(backend, request, [d for d in page if d in keyword_ids])
    else:
        wanted = order[request.offset : request.offset + request.limit]
        # The page's keyword hits come with their fields from the highlighting search: the
        # others' fields are read by one more search, and no document is read twice.
        marked = _keyword_highlights(backend, request, [d for d in wanted if d in keyword_ids])
        shown = {**marked, **_fetch(backend, request, [d for d in wanted if d not in marked])}
        page = [d for d in wanted if d in shown]
    hits: list[Hit] = []
    for doc_id in page:
        hit = shown[doc_id]
        lights = list(marked[doc_id].highlights) if doc_id in marked else []
        match = passage_of.get(doc_id)
        if match is not None and request.highlight:
            lights.insert(0, Highlight(fragment=html.escape(match.text), page=match.page))
        hits.append(replace(hit, score=score_of[doc_id], highlights=lights, sort=[]))
    return SearchResult(
        total=total,
        hits=hits,
        facets=facets,
        took_ms=(time.perf_counter() - started) * 1000,
        next_cursor=None,
    )


def _fetch(backend: SearchBackend, request: SearchRequest, order: list[str]) -> dict[str, Hit]:
    """Stored fields of `order`'s documents (only those the request may see)."""
    if not order:
        return {}
    found = backend.search(
        request.as_keyword(query="", tree=None, only_ids=frozenset(order), limit=len(order))
    )
    return {hit.id: hit for hit in found.hits}


def _collapse(order: list[str], shown: dict[str, Hit]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for doc_id in order:
        thread = str(shown[doc_id].fields.get("thread_id") or "") if doc_id in shown else ""
        if thread and thread in seen:
            continue
        seen.add(thread)
        kept.append(doc_id)
    return kept


def _keyword_highlights(backend: SearchBackend, request: SearchRequest, ids: list[str]) -> dict[str, Hit]:
    """The documents `ids` with their fields and their keyword highlights ({} without highlighting)."""
    if not ids or not request.highlight or not (request.query.strip() or request.tree is not None):
        return {}
    found = backend.search(request.as_keyword(only_ids=frozenset(ids), limit=len(ids), highlight=True))
    return {hit.id: hit for hit in found.hits}
