"""The `SearchBackend` interface that the embedded and cluster backends implement.

A backend receives whole `Document`s (with annotations) and answers
`SearchRequest`s written in Faldone's query language (see ``index/query``).
Both implementations must pass ``tests/conformance``; a query means the same
thing on each.

    SearchError
    ├── QuerySyntaxError   the user's query does not parse (has a position)
    └── BackendUnavailable the engine cannot be reached or opened
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from core.document import Document

__all__ = [
    "BackendUnavailable",
    "FacetBucket",
    "Highlight",
    "HistogramBucket",
    "Hit",
    "QuerySyntaxError",
    "SearchBackend",
    "SearchError",
    "SearchRequest",
    "SearchResult",
]

Interval = Literal["day", "week", "month"]
Sort = Literal["relevance", "date_desc", "date_asc"]


class SearchError(Exception):
    """Base of search errors."""


class QuerySyntaxError(SearchError):
    """A query that does not parse; `position` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


class BackendUnavailable(SearchError):
    """The search engine cannot be opened or reached."""


@dataclass
class SearchRequest:
    """A search: the user's query plus structured filters.

    `filters` maps a keyword field to accepted values: values of one field are
    OR-ed, fields are AND-ed. `date_from`/`date_to` bound the document date
    (inclusive). `facets` lists keyword fields to count.
    """

    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: datetime | None = None
    date_to: datetime | None = None
    sort: Sort = "relevance"
    offset: int = 0
    limit: int = 10
    facets: list[str] = field(default_factory=list)
    facet_size: int = 10
    highlight: bool = True


@dataclass
class Highlight:
    """A fragment of text; matched words are wrapped in <mark>…</mark> (HTML-escaped)."""

    fragment: str
    page: int | None = None


@dataclass
class Hit:
    id: str
    score: float
    fields: dict[str, Any]
    highlights: list[Highlight] = field(default_factory=list)


@dataclass
class FacetBucket:
    value: str
    count: int


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetBucket]] = field(default_factory=dict)
    took_ms: float = 0.0


@dataclass
class HistogramBucket:
    """One period: documents, their average sentiment and how many are complaints."""

    start: datetime
    count: int
    avg_sentiment: float | None
    complaints: int


class SearchBackend:
    """Interface of a search engine; writes are batched and made visible by `commit`."""

    name: str = "abstract"

    def index(self, documents: list[Document]) -> None:
        """Add or replace documents (by id). Visible after `commit`."""
        raise NotImplementedError

    def delete(self, ids: list[str]) -> None:
        """Remove documents by id. Visible after `commit`."""
        raise NotImplementedError

    def commit(self) -> None:
        """Make every write so far durable and searchable."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Let readers see the latest commit (readers in other processes)."""
        raise NotImplementedError

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search; raises `QuerySyntaxError` for a bad query."""
        raise NotImplementedError

    def histogram(self, request: SearchRequest, interval: Interval) -> list[HistogramBucket]:
        """Documents matching `request` bucketed by document date."""
        raise NotImplementedError

    def count(self) -> int:
        """Number of documents in the index."""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every document (used by reindex)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release files, writers and connections."""
