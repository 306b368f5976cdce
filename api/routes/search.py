"""`GET /api/search` and `GET /api/metrics/sentiment`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict

from api.access import ANY, QUALITY, audited, require
from api.errors import BadRequest
from api.security import audit_in_route
from api.semantic import planned_request
from api.state import AppState, get_state
from index.backend import SearchRequest, decode_cursor
from index.fields import FIELD_ALIASES, KEYWORD_FIELDS
from index.timing import StageClock

__all__ = ["DEFAULT_FACETS", "router", "server_timing"]

router = APIRouter(prefix="/api", tags=["search"])

DEFAULT_FACETS = ["type", "language", "category", "source", "sender", "customer", "person", "org"]
MAX_LIMIT = 100


class HighlightOut(BaseModel):
    fragment: str
    page: int | None


class SearchHit(BaseModel):
    """A hit: its stored index fields (title, date, sender, category…) plus these."""

    model_config = ConfigDict(extra="allow")

    id: str
    score: float
    thread_hits: int
    highlights: list[HighlightOut]
    url: str
    original_url: str


class FacetValue(BaseModel):
    value: str
    count: int


class SearchResults(BaseModel):
    mode: Literal["keyword", "semantic", "hybrid"] = "keyword"
    total: int
    took_ms: float
    offset: int
    limit: int
    next_cursor: str | None
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]


class SentimentBucket(BaseModel):
    start: str
    count: int
    avg_sentiment: float | None
    complaints: int


class SentimentSeries(BaseModel):
    interval: str
    buckets: list[SentimentBucket]


def parse_filters(raw: list[str]) -> dict[str, list[str]]:
    """`["type:pdf", "type:email", "language:it"]` → `{"type": ["pdf", "email"], "language": ["it"]}`."""
    filters: dict[str, list[str]] = {}
    for item in raw:
        name, sep, value = item.partition(":")
        name = FIELD_ALIASES.get(name.strip().lower(), name.strip().lower())
        if not sep or name not in (*KEYWORD_FIELDS, "complaint"):
            raise BadRequest(f"unknown filter {item!r}: use field:value with a keyword field", filter=item)
        filters.setdefault(name, []).append(value)
    return filters


def build_request(
    q: str,
    filters: list[str],
    date_from: datetime | None,
    date_to: datetime | None,
    **extra: Any,
) -> SearchRequest:
    return SearchRequest(
        query=q, filters=parse_filters(filters), date_from=date_from, date_to=date_to, **extra
    )


@router.get(
    "/search",
    summary="Search documents",
    response_model=SearchResults,
    dependencies=[Depends(require(*ANY)), Depends(audited("search", counted=True))],
)
def search(
    http: Request,
    state: Annotated[AppState, Depends(get_state)],
    q: Annotated[str, Query(description="Query in Faldone's query language", max_length=4000)] = "",
    filter: Annotated[list[str], Query(description="field:value, repeatable")] = [],  # noqa: B006
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    sort: Literal["relevance", "date_desc", "date_asc"] = "relevance",
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 20,
    facets: Annotated[str, Query(description="comma-separated keyword fields")] = ",".join(DEFAULT_FACETS),
    facet_size: Annotated[int, Query(ge=1, le=200)] = 10,
    cursor: Annotated[str | None, Query(max_length=2000, description="next_cursor of the last page")] = None,
    collapse: Annotated[bool, Query(description="one hit per e-mail thread")] = False,
    mode: Annotated[
        Literal["auto", "keyword", "semantic", "hybrid"],
        Query(description='by meaning: semantic, or hybrid (auto: hybrid for a plain sentence or ~"text")'),
    ] = "auto",
) -> Response:
    """Answers `SearchResults` (serialised once, by orjson); `Server-Timing` says where the time went."""
    facet_fields = [f.strip() for f in facets.split(",") if f.strip()]
    unknown = [f for f in facet_fields if f not in KEYWORD_FIELDS]
    if unknown:
        raise BadRequest(f"cannot facet on {', '.join(unknown)}")
    request = build_request(
        q,
        filter,
        date_from,
        date_to,
        sort=sort,
        offset=offset,
        limit=limit,
        facets=facet_fields,
        facet_size=facet_size,
        search_after=decode_cursor(cursor) if cursor else None,
        collapse_threads=collapse,
    )
    clock = StageClock()
    request = planned_request(q, mode, request)
    clock.lap("embed")  # the query's vector (semantic and hybrid modes); ~0 otherwise
    state.backend.refresh()
    clock.lap("refresh")
    result = state.backend.search(request)
    clock.lap("search")
    body = orjson.dumps(
        {
            "mode": request.mode,
            "total": result.total,
            "took_ms": round(result.took_ms, 2),
            "offset": offset,
            "limit": limit,
            "next_cursor": result.next_cursor,
            "hits": [
                {
                    **hit.fields,
                    "id": hit.id,
                    "score": hit.score,
                    "thread_hits": hit.thread_hits,
                    "highlights": [{"fragment": h.fragment, "page": h.page} for h in hit.highlights],
                    "url": f"/document.html?id={hit.id}",
                    "original_url": f"/api/documents/{hit.id}/original",
                }
                for hit in result.hits
            ],
            "facets": {
                name: [{"value": b.value, "count": b.count} for b in buckets]
                for name, buckets in result.facets.items()
            },
        },
        default=jsonable_encoder,  # anything orjson does not know, as FastAPI would encode it
    )
    clock.lap("serialise")
    audit_in_route(http, result.total)  # before the answer exists for the client
    inside = sum(result.timings.values())
    stages = {
        "embed": clock.timings["embed"],
        "refresh": clock.timings["refresh"],
        **result.timings,
        "other": max(0.0, clock.timings["search"] - inside),  # what the backend did not time
        "serialise": clock.timings["serialise"],
    }
    return Response(body, media_type="application/json", headers={"server-timing": server_timing(stages)})


def server_timing(stages: dict[str, float]) -> str:
    """A `Server-Timing` header value: ``name;dur=milliseconds`` per stage."""
    return ", ".join(f"{name};dur={ms:.3f}" for name, ms in stages.items())


@router.get(
    "/metrics/sentiment",
    summary="Documents, average sentiment and complaints per period",
    dependencies=[Depends(require(*QUALITY)), Depends(audited("metrics.read", counted=True))],
)
def sentiment_metric(
    state: Annotated[AppState, Depends(get_state)],
    interval: Literal["day", "week", "month"] = "week",
    q: str = "",
    filter: Annotated[list[str], Query()] = [],  # noqa: B006
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> SentimentSeries:
    state.backend.refresh()
    buckets = state.backend.histogram(build_request(q, filter, date_from, date_to, limit=0), interval)
    return SentimentSeries.model_validate(
        {
            "interval": interval,
            "buckets": [
                {
                    "start": b.start.isoformat(),
                    "count": b.count,
                    "avg_sentiment": None if b.avg_sentiment is None else round(b.avg_sentiment, 4),
                    "complaints": b.complaints,
                }
                for b in buckets
            ],
        }
    )
