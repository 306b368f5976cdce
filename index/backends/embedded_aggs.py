"""Facets and date histograms for the embedded backend (tantivy's Elasticsearch-style aggregations).

Tantivy's ``date_histogram`` only knows fixed intervals: days are fixed, weeks
are 7 days shifted to start on Monday (as in Elasticsearch), and calendar months
are counted with a ``range`` aggregation over month boundaries. Buckets are in
UTC. Every period from the first to the last non-empty one is returned,
including empty ones in between (count 0, ``avg_sentiment`` None), so charts
show gaps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import tantivy

from index.backend import FacetBucket, HistogramBucket, Interval, SearchError
from index.fields import BOOL_FIELDS, KEYWORD_FIELDS

__all__ = ["counted_facets", "facets", "histogram"]

_NS = 1_000_000_000
_MS = 1_000
# Per-segment candidates: generous so that the merged top counts are exact in practice.
_MIN_SEGMENT_SIZE = 1_000
# Every document has exactly one id_key (`index.backends.derived`): its value count is the match count.
_COUNT_FIELD = "id_key"
_COUNT = "faldone_count"
_SUB_AGGS: dict[str, Any] = {
    "sentiment": {"stats": {"field": "sentiment"}},
    "complaint": {"terms": {"field": "complaint", "size": 2}},
}


def _aggregate(searcher: tantivy.Searcher, query: tantivy.Query, agg: dict[str, Any]) -> dict[str, Any]:
    try:
        return searcher.aggregate(query, agg)
    except ValueError as err:
        raise SearchError(f"aggregation failed: {err}") from err


def facets(
    searcher: tantivy.Searcher, query: tantivy.Query, fields: list[str], size: int
) -> dict[str, list[FacetBucket]]:
    """Top `size` values of each field over every document matching `query`."""
    if not fields:
        return {}
    return _buckets(_aggregate(searcher, query, _terms(fields, size)), fields, size)


def counted_facets(
    searcher: tantivy.Searcher, query: tantivy.Query, fields: list[str], size: int
) -> tuple[int, dict[str, list[FacetBucket]]]:
    """The number of documents matching `query` and their `facets`, in one pass over them."""
    agg = {**_terms(fields, size), _COUNT: {"value_count": {"field": _COUNT_FIELD}}}
    answer = _aggregate(searcher, query, agg)
    total = int(answer.get(_COUNT, {}).get("value") or 0)
    return total, _buckets(answer, fields, size) if fields else {}


def _terms(fields: list[str], size: int) -> dict[str, Any]:
    for field in fields:
        if field not in KEYWORD_FIELDS and field not in BOOL_FIELDS:
            raise SearchError(f"cannot facet on {field!r}: facets need a keyword or boolean field")
    segment_size = max(size * 10, _MIN_SEGMENT_SIZE)
    return {f: {"terms": {"field": f, "size": size, "segment_size": segment_size}} for f in fields}


def _buckets(answer: dict[str, Any], fields: list[str], size: int) -> dict[str, list[FacetBucket]]:
    result: dict[str, list[FacetBucket]] = {}
    for field in fields:
        buckets = [
            FacetBucket(str(b.get("key_as_string", b["key"])), int(b["doc_count"]))
            for b in answer.get(field, {}).get("buckets", [])
        ]
        buckets.sort(key=lambda b: (-b.count, b.value))
        result[field] = buckets[:size]
    return result


def _month_start(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def _next(start: datetime, interval: Interval) -> datetime:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def _bucket(start: datetime, raw: dict[str, Any]) -> HistogramBucket:
    count = int(raw["doc_count"])
    avg = raw.get("sentiment", {}).get("avg")
    complaints = sum(
        int(b["doc_count"])
        for b in raw.get("complaint", {}).get("buckets", [])
        if b.get("key_as_string") == "true" or b.get("key") in (1, True)
    )
    return HistogramBucket(start, count, float(avg) if count and avg is not None else None, complaints)


def _fixed(searcher: tantivy.Searcher, query: tantivy.Query, interval: Interval) -> dict[datetime, Any]:
    spec: dict[str, Any] = {"field": "date", "min_doc_count": 1}
    if interval == "day":
        spec["fixed_interval"] = "1d"
    else:
        spec |= {"fixed_interval": "7d", "offset": "-3d"}  # the epoch was a Thursday
    answer = _aggregate(searcher, query, {"h": {"date_histogram": spec, "aggs": _SUB_AGGS}})
    return {
        datetime.fromtimestamp(int(b["key"]) / _MS, UTC): b for b in answer["h"]["buckets"] if b["doc_count"]
    }


def _months(searcher: tantivy.Searcher, query: tantivy.Query) -> dict[datetime, Any]:
    bounds = _aggregate(searcher, query, {"lo": {"min": {"field": "date"}}, "hi": {"max": {"field": "date"}}})
    low, high = bounds["lo"].get("value"), bounds["hi"].get("value")
    if low is None or high is None:
        return {}
    # Date aggregations take and give nanoseconds since the epoch.
    start = _month_start(datetime.fromtimestamp(int(low) // _NS, UTC))
    last = _month_start(datetime.fromtimestamp(int(high) // _NS, UTC))
    starts = [start]
    while starts[-1] < last:
        starts.append(_next(starts[-1], "month"))
    ranges = [
        {"key": s.isoformat(), "from": s.timestamp() * _NS, "to": _next(s, "month").timestamp() * _NS}
        for s in starts
    ]
    answer = _aggregate(
        searcher, query, {"h": {"range": {"field": "date", "ranges": ranges}, "aggs": _SUB_AGGS}}
    )
    by_key = {b["key"]: b for b in answer["h"]["buckets"]}
    return {s: by_key[s.isoformat()] for s in starts if by_key.get(s.isoformat(), {}).get("doc_count")}


def histogram(searcher: tantivy.Searcher, query: tantivy.Query, interval: Interval) -> list[HistogramBucket]:
    """Buckets of the documents matching `query` by document date, oldest first."""
    if interval not in ("day", "week", "month"):
        raise SearchError(f"unknown interval {interval!r}: use day, week or month")
    found = _months(searcher, query) if interval == "month" else _fixed(searcher, query, interval)
    if not found:
        return []
    result: list[HistogramBucket] = []
    start, last = min(found), max(found)
    while start <= last:
        result.append(_bucket(start, found[start]) if start in found else HistogramBucket(start, 0, None, 0))
        start = _next(start, interval)
    return result
