"""The embedded search backend: tantivy in a local folder, zero servers.

One process (the worker) opens it with ``writer=True`` and holds tantivy's
writer lock; every other process opens a reader and calls `refresh` to see
new commits. Queries are parsed by `index.query.parse` and compiled by
`QueryCompiler`; tantivy's query parser is never used.

Errors: a bad query raises `QuerySyntaxError`; a folder whose files cannot be
read (truncated segment, garbled meta.json, missing file) or whose schema changed
raises `IndexDamaged` (`index.healing` rebuilds it from the catalog); a writer
held by another live process raises `WriterBusy`, naming it (`index.writer_lock`);
other engine errors become `SearchError`.

Passage vectors for search by meaning live beside the tantivy files, in
``<index>/vectors`` (`index.backends.embedded_vectors`: usearch, same commit
discipline); semantic and hybrid requests are run by `index.semantic`.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import tantivy

from core.document import Document
from core.settings import Settings
from index.backend import (
    HistogramBucket,
    Hit,
    IndexBuiltWithOtherSettings,
    IndexDamaged,
    Interval,
    PassageMatch,
    SearchBackend,
    SearchError,
    SearchRequest,
    SearchResult,
    WriterBusy,
    encode_cursor,
)
from index.backends.derived import id_key
from index.backends.embedded_aggs import counted_facets, histogram
from index.backends.embedded_highlight import Highlighter
from index.backends.embedded_paging import Ranked, collapse, date_page, id_key_page, relevance_page
from index.backends.embedded_query import QueryCompiler, any_term
from index.backends.embedded_schema import (
    Analyzers,
    build_schema,
    hit_fields,
    register_analyzers,
    to_tantivy,
)
from index.backends.embedded_vectors import VectorStore, file_signature
from index.backends.registry import register_backend
from index.backends.similarity import NEAR_DUPLICATE_BITS, bands, hamming
from index.fields import BOOL_FIELDS, KEYWORD_FIELDS
from index.query import ast, parse
from index.query.semantics import positive_part, utc
from index.query.values import FieldValueError, bool_value, resolve_field
from index.semantic import search_by_meaning
from index.timing import StageClock
from index.writer_lock import WriterLock

__all__ = ["MAX_WINDOW", "EmbeddedBackend", "open_embedded"]

# Tantivy collects offset+limit hits in memory; deeper pages use search_after (embedded_paging).
MAX_WINDOW = 10_000
_WRITER_HEAP = 128_000_000
# tantivy's error when the folder holds an index of another schema (word pairs switched on or off).
_OTHER_SCHEMA = "schema does not match"
_MLT_MIN_SHARE = 0.3


class EmbeddedBackend(SearchBackend):
    """`SearchBackend` on a tantivy index in `path`."""

    name = "embedded"

    def __init__(
        self,
        path: Path,
        *,
        writer: bool,
        heap_size: int = _WRITER_HEAP,
        threads: int = 1,
        lock: WriterLock | None = None,
        pairs: bool = True,
    ) -> None:
        """`lock`: a `WriterLock` the caller already holds (it is released by `close`).

        `pairs`: the index has word-pair fields (`index.backends.embedded_pairs`, ``phrase_pairs``).
        """
        self._schema = build_schema(pairs=pairs)
        self._pairs = pairs
        analyzers = Analyzers()
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        given = lock
        self._lock = lock or (WriterLock(path).acquire() if writer else None)  # first: names a holder
        try:
            self._meta_seen = file_signature(path / "meta.json")  # before opening: a later commit is seen
            try:
                self._index = tantivy.Index(self._schema, path=str(path), reuse=True)
            except ValueError as err:
                if _OTHER_SCHEMA in str(err):
                    raise IndexBuiltWithOtherSettings(
                        f"the search index in {path} was built with other settings (phrase_pairs) "
                        "and must be rebuilt from the catalog (faldone reindex, or restart the worker)"
                    ) from err
                raise IndexDamaged(
                    f"the search index in {path} is damaged and must be rebuilt from the catalog "
                    f"(faldone reindex, or restart the worker): {err}"
                ) from err
            register_analyzers(self._index, analyzers)
            self._vectors = VectorStore(path / "vectors", writable=writer)
            self._compiler = QueryCompiler(self._schema, analyzers, pairs=pairs)
            # The same matches without scores: counts, facets and histograms run it (cheaper).
            self._matcher = QueryCompiler(self._schema, analyzers, pairs=pairs, scoring=False)
            # Snippets mark the terms a query names in the stored field: not a word pair.
            self._positional = QueryCompiler(self._schema, analyzers, pairs=False)
            self._analyzers = analyzers
            self._writer: tantivy.IndexWriter | None = None
            if writer:
                try:
                    self._writer = self._index.writer(heap_size=heap_size, num_threads=threads)
                except ValueError as err:
                    raise WriterBusy(f"another process is writing to {path}: {err}") from err
        except BaseException:
            if self._lock is not None and given is None:
                self._lock.release()
            raise

    # -- writing ---------------------------------------------------------------------------------

    def _need_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            raise SearchError("this backend was opened read-only (writer=False)")
        return self._writer

    def index(self, documents: list[Document]) -> None:
        writer = self._need_writer()
        # Convert everything first: a bad document fails the batch before anything is deleted.
        pairs = self._analyzers.pairs if self._pairs else None
        converted = [(doc.id, to_tantivy(doc, pairs)) for doc in documents]
        try:
            for doc_id, doc in converted:
                writer.delete_documents_by_term("id", doc_id)
                writer.add_document(doc)
        except ValueError as err:
            raise SearchError(f"cannot index: {err}") from err
        self._vectors.index(documents)

    def delete(self, ids: list[str]) -> None:
        writer = self._need_writer()
        for doc_id in ids:
            writer.delete_documents_by_term("id", doc_id)
        self._vectors.delete(ids)

    def commit(self) -> None:
        try:
            self._need_writer().commit()
        except ValueError as err:
            raise SearchError(f"commit failed: {err}") from err
        self._vectors.commit()  # after tantivy: see index.backends.embedded_vectors
        self._index.reload()

    def refresh(self) -> None:
        # Every search refreshes: a stat of meta.json (rewritten by rename on every commit
        # and merge) spares tantivy's reload, about a millisecond, when nothing changed.
        seen = file_signature(self.path / "meta.json")
        if seen is None or seen != self._meta_seen:
            self._index.reload()
            self._meta_seen = seen
        self._vectors.reload()

    def clear(self) -> None:
        self._need_writer().delete_all_documents()
        self._vectors.clear()

    def close(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.rollback()  # uncommitted writes are dropped, as documented by `commit`
            self._vectors.rollback()
            writer.wait_merging_threads()  # releases the writer lock
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release()

    # -- reading ---------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    def _filters(self, request: SearchRequest) -> list[tantivy.Query]:
        queries: list[tantivy.Query] = []
        for name, values in request.filters.items():
            field = resolve_field(name)
            if not values:
                continue
            if field in KEYWORD_FIELDS:
                accepted = {v for value in values for v in (value, value.lower())}
                queries.append(any_term(self._schema, field, accepted))
            elif field in BOOL_FIELDS:
                try:
                    flags = {bool_value(field, value) for value in values}
                except FieldValueError as err:
                    raise SearchError(str(err)) from err
                queries.append(any_term(self._schema, field, flags))
            else:
                raise SearchError(f"cannot filter on {name!r}: filters need a keyword or boolean field")
        if request.date_from is not None or request.date_to is not None:
            queries.append(
                tantivy.Query.range_query(
                    self._schema,
                    "date",
                    tantivy.FieldType.Date,
                    lower_bound=_utc_or_none(request.date_from),
                    upper_bound=_utc_or_none(request.date_to),
                )
            )
        return queries

    def _queries(
        self, request: SearchRequest, node: ast.Node | None = None
    ) -> tuple[tantivy.Query, tantivy.Query | None]:
        """(query with filters, query to highlight)."""
        node = _tree(request) if node is None else node
        main = self._compiler.compile(node)
        query = self._restricted(main, request)
        positive = positive_part(node)
        if positive is None:
            return query, None
        # Without negations the positive part is the query itself: compiled once.
        return query, (main if positive == node else self._compiler.compile(positive))

    def _matching(self, request: SearchRequest, node: ast.Node | None = None) -> tantivy.Query:
        """The documents `_queries` finds, by a query that does not score (counts and aggregations)."""
        return self._restricted(self._matcher.compile(_tree(request) if node is None else node), request)

    def _restricted(self, main: tantivy.Query, request: SearchRequest) -> tantivy.Query:
        """`main` within the request's filters, excluded ids and allowed ids."""
        clauses = [(tantivy.Occur.Must, main)]
        # Filters restrict without changing the score.
        clauses += [
            (tantivy.Occur.Must, tantivy.Query.const_score_query(q, 0.0)) for q in self._filters(request)
        ]
        if request.exclude_ids:
            excluded = any_term(self._schema, "id", request.exclude_ids)
            clauses.append((tantivy.Occur.MustNot, excluded))
        if request.only_ids is not None:
            # no id is "": an empty set matches nothing
            only = any_term(self._schema, "id", request.only_ids or {""})
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(only, 0.0)))
        return main if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    def search(self, request: SearchRequest) -> SearchResult:
        if request.mode != "keyword":
            return search_by_meaning(self, request)
        return self._search(request, with_fields=True)

    def keyword_ranking(self, request: SearchRequest) -> SearchResult:
        """Hits carry their id alone: their stored fields are not converted."""
        return self._search(request, with_fields=False)

    def _search(self, request: SearchRequest, *, with_fields: bool) -> SearchResult:
        started = time.perf_counter()
        clock = StageClock()
        if request.offset < 0 or request.limit < 0:
            raise SearchError("offset and limit must not be negative")
        if request.search_after is None and request.offset + request.limit > MAX_WINDOW:
            raise SearchError(f"offset + limit may not exceed {MAX_WINDOW}; use search_after to go deeper")
        if request.search_after is not None and request.collapse_threads:
            raise SearchError("search_after and collapse_threads cannot be combined")
        node = _tree(request)
        query, highlight_query = self._queries(request, node)
        facet_fields = [_facet_field(f) for f in request.facets]
        searcher = self._index.searcher()
        clock.lap("compile")
        # The number of matches: counted by the facet aggregation when there is one (then the
        # page search does not count), else by the page search when it runs the whole query.
        counted: list[int] = []
        threads: dict[str, int] = {}
        if request.collapse_threads:
            ranked, threads = self._collapsed(searcher, query, node, request)
        elif request.search_after is None and request.offset:
            ranked = self._offset_page(searcher, query, request, counted)
        else:
            ranked = self._page(
                searcher,
                query,
                node,
                request.sort,
                request.search_after,
                request.limit,
                None if facet_fields else counted,
            )
        try:
            if not counted and not facet_fields:
                counted.append(_total(searcher.search(self._matching(request, node), limit=1, count=True)))
        except ValueError as err:
            raise SearchError(f"search failed: {err}") from err
        clock.lap("query")
        stored_docs = [searcher.doc(address) for _, address in ranked]
        page = {
            (address.segment_ord, address.doc): str(stored.get_first("id"))
            for (_, address), stored in zip(ranked, stored_docs, strict=True)
        }
        clock.lap("fetch")
        # Only the page's hits are highlighted (never the whole result set).
        highlighter = (
            Highlighter(
                searcher,
                highlight_query,
                self._schema,
                positive_part(node),
                self._positional,
                page_ids=list(page.values()),
                page_addresses=page,
                analyzers=self._analyzers,
            )
            if request.highlight and highlight_query is not None
            else None
        )
        marked = [highlighter.highlights(stored) if highlighter else [] for stored in stored_docs]
        clock.lap("highlight")
        hits: list[Hit] = []
        for (values, _), stored, highlights in zip(ranked, stored_docs, marked, strict=True):
            fields = hit_fields(stored) if with_fields else {"id": stored.get_first("id")}
            hits.append(
                Hit(
                    id=str(fields["id"]),
                    score=float(values[0]) if request.sort == "relevance" else 0.0,
                    fields=fields,
                    highlights=highlights,
                    sort=[values[0], int(stored.get_first("id_key") or 0)],
                    thread_hits=threads.get(str(stored.get_first("thread_key") or ""), 0),
                )
            )
        clock.lap("fetch")
        if facet_fields:
            matching = self._matching(request, node)
            total, counts = counted_facets(searcher, matching, facet_fields, request.facet_size)
        else:
            total, counts = counted[0], {}
        clock.lap("facets")
        return SearchResult(
            total=total,
            hits=hits,
            facets=counts,
            took_ms=(time.perf_counter() - started) * 1000,
            next_cursor=encode_cursor(hits[-1].sort) if hits and len(hits) == request.limit else None,
            timings=clock.timings,
        )

    def _page(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        node: ast.Node,
        sort: str,
        after: list[Any] | None,
        limit: int,
        total: list[int] | None = None,
    ) -> list[Ranked]:
        if sort != "relevance":
            descending = sort == "date_desc"
            return date_page(searcher, self._schema, query, after, limit, descending=descending, total=total)
        if isinstance(node, ast.MatchAll):
            return id_key_page(searcher, self._schema, query, after, limit, total)
        return relevance_page(searcher, query, after, limit, total)

    def _offset_page(
        self, searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest, total: list[int]
    ) -> list[Ranked]:
        """A page by offset (ties in engine order; cursors give a stable order)."""
        order = {"date_desc": tantivy.Order.Desc, "date_asc": tantivy.Order.Asc}.get(request.sort)
        try:
            found = searcher.search(
                query,
                limit=max(1, request.limit),  # tantivy panics on a limit of 0
                count=True,
                order_by_field="date" if order is not None else None,
                offset=request.offset,
                order=order or tantivy.Order.Desc,
            )
        except ValueError as err:
            raise SearchError(f"search failed: {err}") from err
        total.append(_total(found))
        return [([value, None], address) for value, address in found.hits[: request.limit]]

    def _collapsed(
        self, searcher: tantivy.Searcher, query: tantivy.Query, node: ast.Node, request: SearchRequest
    ) -> tuple[list[Ranked], dict[str, int]]:
        want = request.offset + request.limit
        window = max(4 * want, 64)
        while True:
            ranked = self._page(searcher, query, node, request.sort, None, window)
            kept, counts, exhausted = collapse(searcher, self._schema, query, ranked, want)
            if len(kept) >= want or len(ranked) < window or not exhausted:
                return kept[request.offset :], counts
            window *= 4

    def matching_ids(self, request: SearchRequest, ids: Collection[str]) -> set[str]:
        """One search, no document fetched: the hits are ordered by the fast field ``id_key``
        (a hash of the id), whose values name the ids asked about."""
        candidates = [i for i in dict.fromkeys(ids) if request.only_ids is None or i in request.only_ids]
        named = {_id_key(doc_id): doc_id for doc_id in candidates}
        if len(named) < len(candidates):  # two ids with one hash: let the stored ids tell them apart
            return super().matching_ids(request, candidates)
        if not named:
            return set()
        query, _ = self._queries(replace(request, only_ids=frozenset(candidates)))
        try:
            found = self._index.searcher().search(query, limit=len(named), order_by_field="id_key")
        except ValueError as err:
            raise SearchError(f"search failed: {err}") from err
        return {named[int(key)] for key, _ in found.hits}

    # -- similar documents -----------------------------------------------------------------------

    def _address(self, searcher: tantivy.Searcher, doc_id: str) -> tantivy.DocAddress:
        found = searcher.search(tantivy.Query.term_query(self._schema, "id", doc_id), limit=1).hits
        if not found:
            raise SearchError(f"no document {doc_id!r} in the index")
        return found[0][1]

    def _hits(self, searcher: tantivy.Searcher, query: tantivy.Query, limit: int) -> list[Hit]:
        not_me: list[Hit] = []
        for score, address in searcher.search(query, limit=max(1, limit)).hits:
            fields = hit_fields(searcher.doc(address))
            not_me.append(Hit(id=str(fields["id"]), score=float(score), fields=fields))
        return not_me

    def _excluding(self, query: tantivy.Query, doc_id: str) -> tantivy.Query:
        me = tantivy.Query.term_query(self._schema, "id", doc_id)
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.MustNot, me)])

    def more_like_this(self, doc_id: str, limit: int = 10) -> list[Hit]:
        searcher = self._index.searcher()
        like = tantivy.Query.more_like_this_query(
            self._address(searcher, doc_id),
            min_doc_frequency=1,
            min_term_frequency=1,
            max_query_terms=25,
        )
        hits = self._hits(searcher, self._excluding(like, doc_id), limit)
        # Tantivy has no minimum_should_match for MLT: drop hits far below the best one.
        return [hit for hit in hits if hit.score >= _MLT_MIN_SHARE * hits[0].score]

    def nearest_passages(self, vector: list[float], k: int) -> list[PassageMatch]:
        return self._vectors.nearest(np.asarray(vector, dtype=np.float32), k)

    def duplicates(self, doc_id: str) -> list[Hit]:
        searcher = self._index.searcher()
        sha = searcher.doc(self._address(searcher, doc_id)).get_first("sha256")
        same = tantivy.Query.term_query(self._schema, "sha256", str(sha))
        return sorted(self._hits(searcher, self._excluding(same, doc_id), MAX_WINDOW), key=lambda h: h.id)

    def near_duplicates(self, doc_id: str) -> list[Hit]:
        searcher = self._index.searcher()
        signature = searcher.doc(self._address(searcher, doc_id)).get_first("simhash")
        if not signature:
            return []
        mine = int(str(signature), 16)
        candidates = any_term(self._schema, "simhash_band", bands(mine))
        found: list[tuple[int, Hit]] = []
        for _, address in searcher.search(self._excluding(candidates, doc_id), limit=MAX_WINDOW).hits:
            stored = searcher.doc(address)
            distance = hamming(mine, int(str(stored.get_first("simhash")), 16))
            if distance <= NEAR_DUPLICATE_BITS:
                fields = hit_fields(stored)
                found.append((distance, Hit(id=str(fields["id"]), score=0.0, fields=fields)))
        return [hit for _, hit in sorted(found, key=lambda pair: (pair[0], pair[1].id))]

    def histogram(self, request: SearchRequest, interval: Interval) -> list[HistogramBucket]:
        return histogram(self._index.searcher(), self._matching(request), interval)


# The ids that search by meaning checks recur from one query to the next: hashed once.
_id_key = lru_cache(maxsize=65_536)(id_key)


def _tree(request: SearchRequest) -> ast.Node:
    return parse(request.query) if request.tree is None else request.tree


def _total(found: tantivy.SearchResult) -> int:
    # `count` exists at run time (count=True) but is missing from tantivy's type stubs.
    count: int | None = getattr(found, "count", None)
    return int(count or 0)


def _utc_or_none(moment: datetime | None) -> datetime | None:
    return utc(moment) if moment is not None else None


def _facet_field(name: str) -> str:
    field = resolve_field(name)
    if field is None:
        raise SearchError(f"cannot facet on unknown field {name!r}")
    return field


@register_backend("embedded")
def open_embedded(settings: Settings, *, writer: bool) -> EmbeddedBackend:
    """The tantivy index under ``settings.index_dir``."""
    return EmbeddedBackend(settings.index_dir, writer=writer, pairs=settings.phrase_pairs)
