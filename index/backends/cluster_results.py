"""Facets, histograms and highlights of the cluster backend: request parts and answer parsing.

Facets are ``terms`` aggregations (ties ordered by value, as embedded does).
Histograms are ``date_histogram`` with calendar intervals in UTC (weeks start on
Monday, months are calendar months) and ``min_doc_count: 0``, which returns every
period from the first to the last non-empty one, empty ones included: the
embedded backend's buckets.

Highlights: the unified highlighter runs on the exact field and on each stemmed
sub-field with sentinel marks; per field the variant that marks the most words
wins (only the sub-fields of the document's language count). The fragment is
located in the stored text to number its page (pages are split by form feeds),
then HTML-escaped with ``<mark>`` around the matches.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from core.document import PAGE_BREAK
from index.backend import FacetBucket, Highlight, HistogramBucket, Interval, SearchError
from index.backends.cluster_mapping import subfield
from index.fields import BOOL_FIELDS, KEYWORD_FIELDS
from index.query.semantics import STEM_LANGUAGES

__all__ = [
    "facet_aggs",
    "highlight_spec",
    "highlights",
    "histogram_aggs",
    "parse_facets",
    "parse_histogram",
]

Json = dict[str, Any]
_OPEN, _CLOSE = "\ue000", "\ue001"
_FIELDS = ("text", "subject", "title")  # text first: its fragments carry a page number
_FRAGMENT_CHARS = 200
_MIN_SHARD_SIZE = 1_000
_CALENDAR = {"day": "day", "week": "week", "month": "month"}


def facet_aggs(fields: list[str], size: int) -> Json:
    for field in fields:
        if field not in KEYWORD_FIELDS and field not in BOOL_FIELDS:
            raise SearchError(f"cannot facet on {field!r}: facets need a keyword or boolean field")
    shard_size = max(size * 10, _MIN_SHARD_SIZE)
    return {
        f"facet_{field}": {
            "terms": {
                "field": field,
                "size": size,
                "shard_size": shard_size,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        }
        for field in fields
    }


def parse_facets(aggregations: Json, fields: list[str]) -> dict[str, list[FacetBucket]]:
    result: dict[str, list[FacetBucket]] = {}
    for field in fields:
        raw = aggregations.get(f"facet_{field}", {}).get("buckets", [])
        result[field] = [FacetBucket(str(b.get("key_as_string", b["key"])), int(b["doc_count"])) for b in raw]
    return result


def histogram_aggs(interval: Interval) -> Json:
    if interval not in _CALENDAR:
        raise SearchError(f"unknown interval {interval!r}: use day, week or month")
    return {
        "h": {
            "date_histogram": {
                "field": "date",
                "calendar_interval": _CALENDAR[interval],
                "time_zone": "UTC",
                "min_doc_count": 0,
            },
            "aggs": {
                "sentiment": {"avg": {"field": "sentiment"}},
                "complaints": {"filter": {"term": {"complaint": True}}},
            },
        }
    }


def parse_histogram(aggregations: Json) -> list[HistogramBucket]:
    buckets: list[HistogramBucket] = []
    for raw in aggregations.get("h", {}).get("buckets", []):
        count = int(raw["doc_count"])
        avg = raw.get("sentiment", {}).get("value")
        buckets.append(
            HistogramBucket(
                start=datetime.fromtimestamp(int(raw["key"]) / 1000, UTC),
                count=count,
                avg_sentiment=float(avg) if count and avg is not None else None,
                complaints=int(raw.get("complaints", {}).get("doc_count", 0)),
            )
        )
    # min_doc_count 0 fills gaps; trim empty ends (none exist without extended bounds).
    while buckets and not buckets[0].count:
        buckets.pop(0)
    while buckets and not buckets[-1].count:
        buckets.pop()
    return buckets


def highlight_spec(query: Json) -> Json:
    fields: Json = {}
    for field in _FIELDS:
        for name in (field, *(subfield(field, code) for code in STEM_LANGUAGES)):
            fields[name] = {}
    return {
        "type": "unified",
        "pre_tags": [_OPEN],
        "post_tags": [_CLOSE],
        "fragment_size": _FRAGMENT_CHARS,
        "number_of_fragments": 1,
        "no_match_size": 0,
        "require_field_match": True,
        "highlight_query": query,
        "fields": fields,
    }


def _render(fragment: str) -> str:
    out: list[str] = []
    for piece in fragment.split(_OPEN):
        marked, _, rest = piece.rpartition(_CLOSE) if _CLOSE in piece else ("", "", piece)
        if marked:
            out.append(f"<mark>{html.escape(marked)}</mark>")
        out.append(html.escape(rest))
    return "".join(out).replace(PAGE_BREAK, " ").strip()


def _page(text: str, fragment: str) -> int | None:
    plain = fragment.replace(_OPEN, "").replace(_CLOSE, "")
    start = text.find(plain)
    if start < 0:
        return None
    first = start + fragment.index(_OPEN)
    return text.count(PAGE_BREAK, 0, first) + 1


def highlights(hit: Json) -> list[Highlight]:
    """The highlights of one raw hit (its ``highlight`` part and ``_source``)."""
    found: Json = hit.get("highlight", {})
    source: Json = hit.get("_source", {})
    language = source.get("language")
    codes = [language] if language in STEM_LANGUAGES else list(STEM_LANGUAGES)
    result: list[Highlight] = []
    for field in _FIELDS:
        best: str | None = None
        for name in (field, *(subfield(field, code) for code in codes)):
            fragments = found.get(name) or []
            if fragments and (best is None or fragments[0].count(_OPEN) > best.count(_OPEN)):
                best = fragments[0]
        if best is None or _OPEN not in best:
            continue
        page = _page(str(source.get("text", "")), best) if field == "text" else None
        result.append(Highlight(_render(best), page))
    return result
