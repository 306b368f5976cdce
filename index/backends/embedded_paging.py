"""Deep paging (``search_after``) and thread collapsing for the embedded backend.

Tantivy sorts by one field and cannot filter on a score, so:

- **Date order** (the one for exports): a page costs the same at any depth. The
  cursor is ``[date_ns, id_key]`` of the last hit; the next page is the rest of
  that date's documents by ``id_key`` (an integer range), then the following
  dates, whose last, possibly incomplete, date is read again by ``id_key``. At
  most three searches of ``limit`` hits.
- **Relevance**: the cursor is ``[score, id_key]``; the top hits are collected
  in a growing window and the page starts after the cursor in (score desc,
  id_key asc) order. A page costs O(depth): fine for browsing, while exports
  should sort by date. A query that does not score (``*``) is ordered by
  ``id_key`` and pages like the date order.

Collapsing keeps, in result order, the first hit of each ``thread_key``; a
single aggregation then counts each kept thread's other hits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import tantivy

from index.backend import SearchError
from index.backends.embedded_query import any_term

__all__ = ["Ranked", "collapse", "date_page", "id_key_page", "relevance_page"]

# (sort values, address): sort values are [date_ns | score, id_key].
Ranked = tuple[list[Any], tantivy.DocAddress]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN_WINDOW = 64


def _run(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    limit: int,
    field: str | None = None,
    order: tantivy.Order = tantivy.Order.Desc,
    total: list[int] | None = None,
) -> list[tuple[Any, tantivy.DocAddress]]:
    """Top `limit` hits; when `total` is an empty list, the number of matches is appended to it."""
    if limit <= 0:
        return []
    counting = total is not None and not total
    try:
        found = searcher.search(query, limit=limit, count=counting, order_by_field=field, order=order)
    except ValueError as err:
        raise SearchError(f"search failed: {err}") from err
    if counting and total is not None:
        total.append(int(getattr(found, "count", 0) or 0))
    return list(found.hits)


def _and(*queries: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def _moment(nanos: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(nanos) // 1000)


def _id_key(searcher: tantivy.Searcher, address: tantivy.DocAddress) -> int:
    return int(searcher.doc(address).get_first("id_key") or 0)


class _Pager:
    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, query: tantivy.Query) -> None:
        self.searcher = searcher
        self.schema = schema
        self.query = query

    def dates(self, lower: datetime | None, upper: datetime | None, **bounds: bool) -> tantivy.Query:
        return tantivy.Query.range_query(
            self.schema, "date", tantivy.FieldType.Date, lower_bound=lower, upper_bound=upper, **bounds
        )

    def ids_after(self, key: int) -> tantivy.Query:
        return tantivy.Query.range_query(
            self.schema,
            "id_key",
            tantivy.FieldType.Integer,
            lower_bound=key,
            upper_bound=None,
            include_lower=False,
        )

    def by_id(
        self, query: tantivy.Query, limit: int, head: Any, total: list[int] | None = None
    ) -> list[Ranked]:
        """Hits of `query` in id_key order, each with sort values [head, id_key]."""
        hits = _run(self.searcher, query, limit, "id_key", tantivy.Order.Asc, total)
        return [([head, int(key)], address) for key, address in hits]


def id_key_page(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    after: list[Any] | None,
    limit: int,
    total: list[int] | None = None,
) -> list[Ranked]:
    """A page of a non-scoring query in id_key order (sort values [1.0, id_key])."""
    pager = _Pager(searcher, schema, query)
    if after is None:
        return pager.by_id(query, limit, 1.0, total)
    return pager.by_id(_and(query, pager.ids_after(int(after[1]))), limit, 1.0)


def date_page(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    after: list[Any] | None,
    limit: int,
    *,
    descending: bool,
    total: list[int] | None = None,
) -> list[Ranked]:
    """A page in (date, id_key) order after the cursor `after`.

    Without a cursor the first search is over the whole query: it also counts the
    matches into `total` (an empty list) when one is given; so does every page function.
    """
    pager = _Pager(searcher, schema, query)
    page: list[Ranked] = []
    rest = query
    if after is not None:
        nanos, key = int(after[0]), int(after[1])
        moment = _moment(nanos)
        same_day = pager.dates(moment, moment)
        page += [
            ([nanos, k], a)
            for (_, k), a in pager.by_id(_and(query, same_day, pager.ids_after(key)), limit, 0)
        ]
        beyond = (
            pager.dates(None, moment, include_upper=False)
            if descending
            else pager.dates(moment, None, include_lower=False)
        )
        rest = _and(query, beyond)
    need = limit - len(page)
    order = tantivy.Order.Desc if descending else tantivy.Order.Asc
    window = _run(searcher, rest, need, "date", order, total if after is None else None)
    if not window:
        return page
    last = int(window[-1][0])
    complete = _ordered(searcher, [(int(nanos), a) for nanos, a in window if int(nanos) != last])
    page += complete
    moment = _moment(last)
    tail = pager.by_id(_and(rest, pager.dates(moment, moment)), need - len(complete), last)
    return page + tail


def _ordered(searcher: tantivy.Searcher, hits: list[tuple[Any, tantivy.DocAddress]]) -> list[Ranked]:
    """`hits`, already sorted by their first value, with equal values put in id_key order.

    Only tied hits are read for their id_key; the others get None (filled in from the stored
    document by the caller).
    """
    ranked: list[Ranked] = []
    start = 0
    while start < len(hits):
        end = start + 1
        while end < len(hits) and hits[end][0] == hits[start][0]:
            end += 1
        group = hits[start:end]
        if len(group) == 1:
            ranked.append(([group[0][0], None], group[0][1]))
        else:
            keyed = sorted(((_id_key(searcher, a), value, a) for value, a in group), key=lambda t: t[0])
            ranked += [([value, key], a) for key, value, a in keyed]
        start = end
    return ranked


def relevance_page(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    after: list[Any] | None,
    limit: int,
    total: list[int] | None = None,
) -> list[Ranked]:
    """A page in (score desc, id_key asc) order after the cursor `after`."""
    if limit <= 0:
        return []
    window = max(2 * limit, _MIN_WINDOW) if after is None else max(4 * limit, _MIN_WINDOW)
    while True:
        hits = _run(searcher, query, window, total=total)
        complete = len(hits) < window
        if not complete:  # the lowest score of the window may have more documents beyond it
            lowest = hits[-1][0]
            hits = [hit for hit in hits if hit[0] != lowest]
        if after is not None:
            score, key = float(after[0]), int(after[1])
            hits = [
                hit for hit in hits if hit[0] < score or (hit[0] == score and _id_key(searcher, hit[1]) > key)
            ]
        if len(hits) >= limit or complete:
            # Scores come sorted; the group tied at the cut is ordered whole before cutting.
            cut = hits[limit - 1][0] if len(hits) >= limit else None
            chosen = [hit for hit in hits if cut is None or hit[0] >= cut]
            return _ordered(searcher, [(float(s), a) for s, a in chosen])[:limit]
        window *= 4


def collapse(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    ranked: Iterable[Ranked],
    want: int,
) -> tuple[list[Ranked], dict[str, int], bool]:
    """First hit per thread in `ranked` (up to `want`), other hits per thread, whether `ranked` ran out."""
    kept: list[Ranked] = []
    keys: list[str] = []
    exhausted = True
    for item in ranked:
        key = str(searcher.doc(item[1]).get_first("thread_key") or "")
        if key in keys:
            continue
        if len(kept) == want:
            exhausted = False
            break
        kept.append(item)
        keys.append(key)
    counts: dict[str, int] = {}
    if keys:
        narrowed = _and(query, any_term(schema, "thread_key", keys))
        agg = {"t": {"terms": {"field": "thread_key", "size": len(keys)}}}
        try:
            answer = searcher.aggregate(narrowed, agg)
        except ValueError as err:
            raise SearchError(f"aggregation failed: {err}") from err
        counts = {str(b["key"]): int(b["doc_count"]) - 1 for b in answer["t"]["buckets"]}
    return kept, {key: counts.get(key, 0) for key in keys}, exhausted
