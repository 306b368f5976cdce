"""Endpoints the web pages need beyond the public API: extra facets, suggestions,
saved searches, the attachment tree and PDF page previews.

Mounted by the app factory with `app.include_router(ui.router)`.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from os import PathLike
from typing import Annotated, Any, Literal

import pypdfium2
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from PIL import Image
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from api.access import ANY, audited, require
from api.errors import ApiError, BadRequest, NotFound
from api.openapi import binary_answer
from api.params import RowId
from api.routes.search import build_request
from api.state import AppState, get_state
from core.catalog import Catalog
from core.document import Document
from core.saved_searches import MAX_NAME, MAX_QUERY, SavedSearch, SavedSearches
from index.backend import SearchBackend, SearchError, SearchRequest
from index.fields import FIELD_ALIASES, KEYWORD_FIELDS
from nlp.category import CATEGORIES

__all__ = ["FACET_ORDER", "SENTIMENT_RANGES", "router"]

router = APIRouter(prefix="/api/ui", tags=["web"], dependencies=[Depends(require(*ANY))])

# Sentiment runs from -1 to 1; the page offers three ranges, written in the query language.
SENTIMENT_RANGES: dict[str, str] = {
    "negative": "sentiment:<-0.3",
    "neutral": "sentiment:[-0.3 TO 0.3]",
    "positive": "sentiment:>0.3",
}
SentimentKey = Literal["negative", "neutral", "positive"]


class PageConfig(BaseModel):
    facets: list[str]
    sentiment_ranges: dict[str, str]
    corrections: bool
    categories: list[str]


class Count(BaseModel):
    value: str
    count: int


class ExtraFacets(BaseModel):
    complaint: list[Count]
    sentiment: list[Count]
    months: list[Count]
    years: list[Count]
    keyword: dict[str, list[Count]] = Field(
        description="a selected keyword field, counted without its selection"
    )


class Suggestion(BaseModel):
    kind: Literal["value", "title"]
    value: str
    field: str | None = None
    count: int | None = None
    id: str | None = None


class Suggestions(BaseModel):
    suggestions: list[Suggestion]


class SavedSearchOut(BaseModel):
    id: int
    name: str
    query: str
    url: str
    created_at: datetime

    @classmethod
    def of(cls, item: SavedSearch) -> SavedSearchOut:
        return cls(
            id=item.id, name=item.name, query=item.query, url=f"/?{item.query}", created_at=item.created_at
        )


class SavedSearchList(BaseModel):
    items: list[SavedSearchOut]


class QuarantinedMember(BaseModel):
    filename: str
    code: str
    reason: str


class TreeNode(BaseModel):
    id: str
    title: str
    filename: str
    mime_type: str
    size: int
    children: list[TreeNode]
    quarantined: list[QuarantinedMember]


# Keyword fields whose values are offered as suggestions while typing.
_SUGGEST_FIELDS = ("customer", "person", "org", "sender", "category", "type", "language", "reference")
# Keyword facets of the search page, in sidebar order; those the index does not have are left out.
FACET_ORDER = (
    "type",
    "source",
    "language",
    "category",
    "customer",
    "sender",
    "person",
    "org",
    "loc",
    "email_address",
    "phone",
    "iban",
    "codice_fiscale",
    "partita_iva",
    "money",
    "reference",
    "date_mentioned",
    "supplier_name",
    "invoice_number",
    "document_type",
    "pec_type",
    "signer",
    "tags",
    "hold",
)
_MAX_TREE_DEPTH = 6
_PREVIEW_WIDTH = 900
_MAX_PREVIEW_PAGES = 500
# PDFium is not thread-safe, and FastAPI runs these handlers in a thread pool.
_PDFIUM_LOCK = threading.Lock()


def with_sentiment(q: str, sentiment: str | None) -> str:
    """The user's query restricted to a sentiment range: `(q) AND sentiment:<-0.3`."""
    if not sentiment:
        return q
    clause = SENTIMENT_RANGES.get(sentiment)
    if clause is None:
        raise BadRequest(f"unknown sentiment range {sentiment!r}", allowed=sorted(SENTIMENT_RANGES))
    return f"({q}) AND {clause}" if q.strip() else clause


@router.get("/config", summary="What the pages may offer: facets, optional features")
def config(request: Request) -> PageConfig:
    paths = {getattr(route, "path", "") for route in request.app.routes}
    return PageConfig(
        facets=[f for f in FACET_ORDER if f in KEYWORD_FIELDS],
        sentiment_ranges=SENTIMENT_RANGES,
        corrections="/api/documents/{doc_id}/corrections" in paths,
        categories=list(CATEGORIES),
    )


def _count(backend: SearchBackend, request: SearchRequest) -> int:
    request.limit = 1  # not 0: only the total is needed, and a limit of 0 is an edge case for engines
    request.highlight = False
    request.facets = []
    return backend.search(request).total


@router.get(
    "/facets",
    summary="Facets the search page shows beyond keyword counts",
    dependencies=[Depends(audited("facets", counted=True))],
)
def extra_facets(
    state: Annotated[AppState, Depends(get_state)],
    q: Annotated[str, Query(max_length=4000)] = "",
    filter: Annotated[list[str], Query()] = [],  # noqa: B006
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    sentiment: SentimentKey | None = None,
    facet_size: Annotated[int, Query(ge=1, le=50)] = 8,
) -> ExtraFacets:
    """Complaint counts, sentiment ranges and documents per month/year for the current search,
    and, for each keyword field with a selected value, its values counted without that selection.

    Each dimension is counted without its own selection (the other sentiment ranges, the
    other months, the other types stay visible, so a second value can be OR-ed in); every
    other selection applies.
    """
    state.backend.refresh()
    backend = state.backend
    query = with_sentiment(q, sentiment)
    keyword: dict[str, list[dict[str, Any]]] = {}
    for field in dict.fromkeys(_filter_field(f) for f in filter):
        if field not in KEYWORD_FIELDS:
            continue
        others = [f for f in filter if _filter_field(f) != field]
        request = build_request(query, others, date_from, date_to, limit=1, highlight=False)
        request.facets, request.facet_size = [field], facet_size
        buckets = backend.search(request).facets.get(field, [])
        keyword[field] = [{"value": b.value, "count": b.count} for b in buckets]
    complaint_filters = [f for f in filter if not f.startswith("complaint:")]
    complaint = {
        value: _count(
            backend, build_request(query, [*complaint_filters, f"complaint:{value}"], date_from, date_to)
        )
        for value in ("true", "false")
    }
    sentiments = {
        key: _count(backend, build_request(with_sentiment(q, key), filter, date_from, date_to))
        for key in SENTIMENT_RANGES
    }
    months = backend.histogram(build_request(query, filter, None, None, limit=0), "month")
    years: Counter[str] = Counter()
    for bucket in months:
        years[str(bucket.start.year)] += bucket.count
    return ExtraFacets.model_validate(
        {
            "complaint": [{"value": v, "count": n} for v, n in complaint.items()],
            "sentiment": [{"value": k, "count": n} for k, n in sentiments.items()],
            "months": [{"value": b.start.strftime("%Y-%m"), "count": b.count} for b in months if b.count],
            "years": [{"value": y, "count": n} for y, n in sorted(years.items()) if n],
            "keyword": keyword,
        }
    )


def _filter_field(item: str) -> str:
    name = item.partition(":")[0].strip().lower()
    return FIELD_ALIASES.get(name, name)


_WORD = re.compile(r"[^\W_][\w@.\-']*", re.UNICODE)


@router.get(
    "/suggest",
    summary="Suggestions while typing: field values and titles",
    dependencies=[Depends(audited("suggest", counted=True))],
    response_model_exclude_none=True,  # a value has field and count, a title its id
)
def suggest(
    state: Annotated[AppState, Depends(get_state)],
    prefix: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Suggestions:
    """Values of customers, people, organisations, senders… and titles that start with `prefix`."""
    words = _WORD.findall(prefix.lower())
    if not words:
        return Suggestions(suggestions=[])
    needle = words[-1]
    state.backend.refresh()
    result = state.backend.search(
        SearchRequest(limit=1, facets=list(_SUGGEST_FIELDS), facet_size=200, highlight=False)
    )
    suggestions: list[dict[str, Any]] = []
    for field, buckets in result.facets.items():
        for bucket in buckets:
            value = bucket.value.lower()
            if value.startswith(needle) or any(w.startswith(needle) for w in re.split(r"[\s@.\-]+", value)):
                suggestions.append(
                    {"kind": "value", "field": field, "value": bucket.value, "count": bucket.count}
                )
    suggestions.sort(key=lambda s: (-int(s["value"].lower().startswith(needle)), -s["count"], s["value"]))
    suggestions = suggestions[:limit]
    if len(needle) >= 2:
        try:
            titles = state.backend.search(
                SearchRequest(query=f"title:{needle}*", limit=limit, highlight=False)
            )
        except (SearchError, ApiError):  # an odd prefix is no reason to fail the suggestions
            titles = None
        seen: set[str] = set()
        for hit in titles.hits if titles else []:
            title = str(hit.fields.get("title") or hit.fields.get("filename") or "")
            if title and title.lower() not in seen:
                seen.add(title.lower())
                suggestions.append({"kind": "title", "id": hit.id, "value": title})
    return Suggestions.model_validate({"suggestions": suggestions[: limit * 2]})


# -- saved searches -----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _store_for(engine: Engine) -> SavedSearches:
    # One store per database engine (scoped catalogs share it).
    return SavedSearches(engine)


def _store(state: AppState) -> SavedSearches:
    return _store_for(state.catalog.engine)


def _owner(state: AppState) -> str:
    """Saved searches belong to the user who saved them."""
    return str((getattr(state, "principal", None) and state.principal.username) or "")


class SavedSearchIn(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    query: str = Field(default="", max_length=MAX_QUERY, description="the search page's query string")


@router.get("/saved-searches", summary="Saved searches, by name")
def list_saved(state: Annotated[AppState, Depends(get_state)]) -> SavedSearchList:
    return SavedSearchList(items=[SavedSearchOut.of(s) for s in _store(state).list(_owner(state))])


@router.post(
    "/saved-searches",
    status_code=201,
    summary="Save the current search under a name",
    dependencies=[Depends(audited("api.post"))],
)
def create_saved(body: SavedSearchIn, state: Annotated[AppState, Depends(get_state)]) -> SavedSearchOut:
    return SavedSearchOut.of(_store(state).create(body.name, body.query, _owner(state)))


@router.delete(
    "/saved-searches/{search_id}",
    status_code=204,
    summary="Delete a saved search",
    dependencies=[Depends(audited("api.delete"))],
)
def delete_saved(search_id: RowId, state: Annotated[AppState, Depends(get_state)]) -> Response:
    if not _store(state).delete(search_id, _owner(state)):
        raise NotFound(f"no saved search {search_id}")
    return Response(status_code=204)


# -- document family and previews -----------------------------------------------------------


def _node(catalog: Catalog, doc: Document, depth: int) -> TreeNode:
    children = catalog.children(doc.id) if depth < _MAX_TREE_DEPTH else []
    return TreeNode(
        id=doc.id,
        title=doc.title,
        filename=doc.filename,
        mime_type=doc.mime_type,
        size=doc.size,
        children=[_node(catalog, c, depth + 1) for c in children],
        quarantined=[
            QuarantinedMember(filename=q.filename, code=q.code, reason=q.reason)
            for q in catalog.quarantine_for(doc.id)
        ],
    )


@router.get(
    "/documents/{doc_id}/tree",
    summary="Attachments and archive members, recursively",
    dependencies=[Depends(audited("document.view"))],
)
def document_tree(doc_id: str, state: Annotated[AppState, Depends(get_state)]) -> TreeNode:
    doc = state.catalog.document(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id}")
    return _node(state.catalog, doc, 0)


def _render_page(path: PathLike[str], number: int, filename: str) -> Image.Image:
    try:
        pdf = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as err:
        raise BadRequest(f"cannot render {filename}: {err}") from err
    try:
        if number > len(pdf):
            raise NotFound(f"{filename} has {len(pdf)} pages")
        page = pdf[number - 1]
        scale = _PREVIEW_WIDTH / max(page.get_width(), 1.0)
        image: Image.Image = page.render(scale=scale).to_pil()
        page.close()
        return image
    finally:
        pdf.close()


@router.get(
    "/documents/{doc_id}/pages/{number}.png",
    dependencies=[Depends(audited("document.view"))],
    summary="A page of a PDF original rendered as an image",
    response_class=Response,
    responses=binary_answer("image/png"),
)
def page_preview(
    doc_id: str,
    number: Annotated[int, Path(ge=1, le=_MAX_PREVIEW_PAGES)],
    state: Annotated[AppState, Depends(get_state)],
) -> Response:
    doc = state.catalog.document(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id}")
    if doc.mime_type != "application/pdf":
        raise BadRequest(f"{doc.filename} is not a PDF")
    path = state.archive.path_for(doc.sha256)
    with _PDFIUM_LOCK:
        image = _render_page(path, number, doc.filename)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return Response(
        buffer.getvalue(),
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
