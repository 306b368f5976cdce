"""Quality figures computed by the search backend: every number is a count or an aggregation.

A `Scope` is what the user chose (query, keyword filters, date range). Each figure
adds clauses in the query language to the scope's query, e.g.
``(rossi) AND complaint:true AND date:[2026-03-02 TO 2026-03-08]``, and asks the
backend for a total, facets or a date histogram (``limit=0``: no document is read).
The same query string and filters make the drill-down link of the figure, so the
search page shows exactly the documents that were counted.

Definitions:
- a complaint is a document with ``complaint:true``;
- a negative document has ``sentiment`` below `NEGATIVE_BELOW` (the search page's
  "negative" range);
- periods are UTC days, ISO weeks (Monday first) or calendar months.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from index.backend import Interval, SearchBackend, SearchRequest
from index.query import ast, parse

__all__ = [
    "BREAKDOWN_FIELDS",
    "COMPLAINT",
    "MENTION_FIELDS",
    "NEGATIVE_BELOW",
    "Scope",
    "breakdown",
    "likely_clause",
    "period_clause",
    "period_end",
    "top_entities",
    "trend",
]

NEGATIVE_BELOW = -0.3
COMPLAINT = "complaint:true"
NEGATIVE = f"sentiment:<{NEGATIVE_BELOW}"
# Keyword fields a figure may be broken down by.
BREAKDOWN_FIELDS = (
    "category", "customer", "org", "person", "reference", "source", "type", "language", "sender", "loc",
)  # fmt: skip
MENTION_FIELDS = ("org", "reference", "person", "customer", "loc")
_MEASURES = {"documents": "", "complaints": COMPLAINT, "negative": NEGATIVE}
DEFAULT_LIKELY_FROM = 0.25  # without a calibrated model (see nlp.review.thresholds)


def likely_clause(likely_from: float) -> str:
    """Documents below the complaint threshold whose calibrated probability still reaches `likely_from`."""
    return f"complaint:false AND complaint_probability:>={likely_from:.3f}"


# Facet depth used for denominators before falling back to one count per value.
_DENOMINATOR_FACETS = 200


def _day(value: date) -> str:
    return value.isoformat()


@dataclass(frozen=True)
class Scope:
    """The documents a figure is about: a query, keyword filters and an inclusive date range."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    # `q` parsed once, where it came in (see `Scope.parsed`); the figures' own clauses are ours.
    tree: ast.Node = field(default_factory=ast.MatchAll)

    @classmethod
    def parsed(
        cls,
        q: str,
        filters: dict[str, list[str]] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> Scope:
        """A scope for the user's query `q`, parsed here and only here."""
        return cls(q.strip(), dict(filters or {}), date_from, date_to, parse(q))

    def between(self, date_from: date | None, date_to: date | None) -> Scope:
        return replace(self, date_from=date_from, date_to=date_to)

    def _own_clauses(self, clauses: tuple[str, ...]) -> list[str]:
        parts = []
        if self.date_from or self.date_to:
            low = _day(self.date_from) if self.date_from else "*"
            high = _day(self.date_to) if self.date_to else "*"
            parts.append(f"date:[{low} TO {high}]")
        return parts + [c for c in clauses if c]

    def query(self, *clauses: str) -> str:
        """The scope's query with `clauses` AND-ed: what the link shows."""
        parts = [f"({self.q.strip()})"] if self.q.strip() else []
        return " AND ".join(parts + self._own_clauses(clauses))

    def query_tree(self, *clauses: str) -> ast.Node:
        """What the backend runs: the user's tree AND the figure's clauses (never re-parsed)."""
        parts: list[ast.Node] = [] if isinstance(self.tree, ast.MatchAll) else [self.tree]
        parts += [_clause(c) for c in self._own_clauses(clauses)]
        if not parts:
            return ast.MatchAll()
        return parts[0] if len(parts) == 1 else ast.And(tuple(parts))

    def count(self, backend: SearchBackend, *clauses: str, extra: dict[str, list[str]] | None = None) -> int:
        return backend.search(self.request(*clauses, extra=extra)).total

    def request(self, *clauses: str, extra: dict[str, list[str]] | None = None, **kw: Any) -> SearchRequest:
        filters = {name: list(values) for name, values in self.filters.items()}
        # A drill-down value replaces the scope's own values of that field (it is one of them).
        filters.update({name: list(values) for name, values in (extra or {}).items()})
        # Date order: counting needs no scores (and relevance paging with limit=0 is not safe everywhere).
        kw.setdefault("sort", "date_desc")
        return SearchRequest(
            query=self.query(*clauses),
            tree=self.query_tree(*clauses),
            filters=filters,
            limit=0,
            highlight=False,
            **kw,
        )

    def link(self, *clauses: str, extra: dict[str, list[str]] | None = None) -> str:
        """URL of the search page that lists the documents behind a figure."""
        filters = dict(self.filters)
        filters.update(extra or {})
        pairs = [("q", self.query(*clauses))]
        pairs += [("filter", f"{name}:{value}") for name, values in filters.items() for value in values]
        return "/?" + urlencode(pairs)


@lru_cache(maxsize=4096)
def _clause(text: str) -> ast.Node:
    """One of the figures' own clauses (``date:2026-03``, ``complaint:true``) as a tree."""
    return parse(text)


def period_end(start: datetime, interval: Interval) -> date:
    """The last day (inclusive) of the period that starts at `start`."""
    if interval == "day":
        return start.date()
    if interval == "week":
        return start.date() + timedelta(days=6)
    following = datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)
    return following.date() - timedelta(days=1)


def period_clause(start: datetime, interval: Interval) -> str:
    """The period as a query clause: ``date:2026-03-02``, ``date:[… TO …]`` or ``date:2026-03``."""
    if interval == "day":
        return f"date:{_day(start.date())}"
    if interval == "month":
        return f"date:{start:%Y-%m}"
    return f"date:[{_day(start.date())} TO {_day(period_end(start, interval))}]"


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def trend(
    backend: SearchBackend, scope: Scope, interval: Interval, likely_from: float = DEFAULT_LIKELY_FROM
) -> dict[str, Any]:
    """Per period: documents, complaints and their share, likely complaints (counted apart), average
    sentiment, negative documents. `likely_from` is the model's "likely complaint" threshold."""
    likely_query = likely_clause(likely_from)
    everything = backend.histogram(scope.request(), interval)
    negative = {b.start: b.count for b in backend.histogram(scope.request(NEGATIVE), interval)}
    likely = {b.start: b.count for b in backend.histogram(scope.request(likely_query), interval)}
    buckets = []
    for b in everything:
        clause = period_clause(b.start, interval)
        negatives = negative.get(b.start, 0)
        buckets.append(
            {
                "start": _day(b.start.date()),
                "end": _day(period_end(b.start, interval)),
                "documents": b.count,
                "complaints": b.complaints,
                "complaint_share": _share(b.complaints, b.count),
                "likely_complaints": likely.get(b.start, 0),
                "avg_sentiment": None if b.avg_sentiment is None else round(b.avg_sentiment, 4),
                "negative": negatives,
                "negative_share": _share(negatives, b.count),
                "links": {
                    "documents": scope.link(clause),
                    "complaints": scope.link(clause, COMPLAINT),
                    "likely_complaints": scope.link(clause, likely_query),
                    "negative": scope.link(clause, NEGATIVE),
                },
            }
        )
    documents = sum(b.count for b in everything)
    complaints = sum(b.complaints for b in everything)
    negatives = sum(negative.values())
    likely_total = sum(likely.values())
    return {
        "interval": interval,
        "query": scope.query(),
        "negative_below": NEGATIVE_BELOW,
        "likely_from": likely_from,
        "totals": {
            "documents": documents,
            "complaints": complaints,
            "complaint_share": _share(complaints, documents),
            "likely_complaints": likely_total,
            "likely_complaint_share": _share(likely_total, documents),
            "negative": negatives,
            "negative_share": _share(negatives, documents),
            "links": {
                "documents": scope.link(),
                "complaints": scope.link(COMPLAINT),
                "likely_complaints": scope.link(likely_query),
                "negative": scope.link(NEGATIVE),
            },
        },
        "buckets": buckets,
    }


def _counts(
    backend: SearchBackend, scope: Scope, clause: str, fields: list[str], size: int
) -> dict[str, Any]:
    result = backend.search(scope.request(clause, facets=fields, facet_size=size))
    return {"total": result.total, "facets": {f: result.facets.get(f, []) for f in fields}}


def _exact(
    backend: SearchBackend, scope: Scope, clause: str, name: str, values: list[str], known: dict[str, int]
) -> dict[str, int]:
    """Counts of `values` of field `name`: from `known` facets, else one count query each."""
    return {
        value: known[value] if value in known else scope.count(backend, clause, extra={name: [value]})
        for value in values
    }


def breakdown(
    backend: SearchBackend, scope: Scope, fields: list[str], measure: str, size: int
) -> dict[str, Any]:
    """Top `size` values of each field by `measure` (documents, complaints or negative), with shares.

    `share` is the part of that value's documents that the measure counts
    (e.g. the complaint share of a category); `of_measure` its part of the measure's total.
    """
    clause = _MEASURES[measure]
    top = _counts(backend, scope, clause, fields, size)
    base = _counts(backend, scope, "", fields, max(_DENOMINATOR_FACETS, size)) if clause else top
    result: dict[str, Any] = {"measure": measure, "total": top["total"], "fields": {}}
    for name in fields:
        buckets = top["facets"][name]
        known = {b.value: b.count for b in base["facets"][name]}
        documents = _exact(backend, scope, "", name, [b.value for b in buckets], known)
        result["fields"][name] = [
            {
                "value": b.value,
                "count": b.count,
                "documents": documents[b.value],
                "share": _share(b.count, documents[b.value]),
                "of_measure": _share(b.count, top["total"]),
                "link": scope.link(clause, extra={name: [b.value]}),
            }
            for b in buckets
        ]
    return result


def top_entities(
    backend: SearchBackend, scope: Scope, fields: list[str], size: int, period: tuple[date, date]
) -> dict[str, Any]:
    """Entities most named in complaints of `period` against the period of equal length before it."""
    start, end = period
    length = (end - start).days + 1
    previous = (start - timedelta(days=length), start - timedelta(days=1))
    current_scope = scope.between(start, end)
    previous_scope = scope.between(*previous)
    now = _counts(backend, current_scope, COMPLAINT, fields, size)
    before = _counts(backend, previous_scope, COMPLAINT, fields, max(_DENOMINATOR_FACETS, size))
    result: dict[str, Any] = {
        "period": {"from": _day(start), "to": _day(end), "complaints": now["total"]},
        "previous": {"from": _day(previous[0]), "to": _day(previous[1]), "complaints": before["total"]},
        "link": current_scope.link(COMPLAINT),
        "previous_link": previous_scope.link(COMPLAINT),
        "fields": {},
    }
    for name in fields:
        buckets = now["facets"][name]
        known = {b.value: b.count for b in before["facets"][name]}
        earlier = _exact(backend, previous_scope, COMPLAINT, name, [b.value for b in buckets], known)
        result["fields"][name] = [
            {
                "value": b.value,
                "count": b.count,
                "previous": earlier[b.value],
                "change": b.count - earlier[b.value],
                "change_pct": round(100 * (b.count - earlier[b.value]) / earlier[b.value], 1)
                if earlier[b.value]
                else None,
                "link": current_scope.link(COMPLAINT, extra={name: [b.value]}),
                "previous_link": previous_scope.link(COMPLAINT, extra={name: [b.value]}),
            }
            for b in buckets
        ]
    return result
