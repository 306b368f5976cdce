"""The `SearchBackend` interface that the embedded and cluster backends implement.

A backend receives whole `Document`s (with annotations) and answers
`SearchRequest`s written in Faldone's query language (see ``index/query``).
Both implementations must pass ``tests/conformance``; a query means the same
thing on each.

    SearchError
    ├── QuerySyntaxError   the user's query does not parse (has a position)
    └── BackendUnavailable the engine cannot be reached or opened
        ├── IndexDamaged   the index files are unreadable: rebuild from the catalog
        │   └── IndexBuiltWithOtherSettings  readable, but of another schema (a setting changed)
        └── WriterBusy     another live process holds the (single) index writer
"""

from __future__ import annotations

import base64
import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from core.document import Document
from core.errors import ErrorKind, FaldoneError

if TYPE_CHECKING:  # the query package imports this module: the AST is named for type checks only
    from index.query.ast import Node

__all__ = [
    "BackendUnavailable",
    "FacetBucket",
    "Highlight",
    "HistogramBucket",
    "Hit",
    "IndexBuiltWithOtherSettings",
    "IndexDamaged",
    "PassageMatch",
    "QuerySyntaxError",
    "SearchBackend",
    "SearchError",
    "SearchRequest",
    "SearchResult",
    "WriterBusy",
    "decode_cursor",
    "encode_cursor",
]

Interval = Literal["day", "week", "month"]
Sort = Literal["relevance", "date_desc", "date_asc"]
# keyword: the query language alone; semantic: by meaning (`vector`); hybrid: both, fused (index.semantic)
Mode = Literal["keyword", "semantic", "hybrid"]


class SearchError(FaldoneError):
    """Base of the errors raised by `index`: a search the engine refuses is the caller's to fix."""

    kind: ClassVar[ErrorKind] = "invalid"
    code: ClassVar[str] = "search_error"


class QuerySyntaxError(SearchError):
    """A query that does not parse; `position` is the 0-based character offset."""

    code: ClassVar[str] = "query_syntax"

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position=position)
        self.position = position


class BackendUnavailable(SearchError):
    """The search engine cannot be opened or reached."""

    kind: ClassVar[ErrorKind] = "unavailable"
    code: ClassVar[str] = "search_unavailable"


class IndexDamaged(BackendUnavailable):
    """The index exists but its files cannot be read (truncated, garbled or missing files)."""


class IndexBuiltWithOtherSettings(IndexDamaged):
    """The index is intact but was built with other settings (e.g. ``phrase_pairs``): rebuild it."""


class WriterBusy(BackendUnavailable):
    """Another live process holds the index writer; `holder` describes it when known."""

    def __init__(self, message: str, holder: str = "") -> None:
        super().__init__(message)
        self.holder = holder


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
    # Deep paging: the `Hit.sort` values of the last hit seen (see `decode_cursor`); `offset` is ignored.
    search_after: list[Any] | None = None
    # One hit per e-mail thread (the best); `Hit.thread_hits` counts the thread's other hits.
    collapse_threads: bool = False
    # `query` already parsed (the caller checked its cost on it): backends use it, never parse again.
    tree: Node | None = None
    # Documents to leave out whatever the query says (deleted from the catalog, not yet from
    # the index); applied by the engine, any number of them.
    exclude_ids: frozenset[str] = frozenset()
    # Search by meaning (see `index.semantic`): the mode, and the query's unit vector from the
    # sentence encoder (computed by the caller; the index does not embed).
    mode: Mode = "keyword"
    vector: tuple[float, ...] | None = None
    # Only these documents may match (None: no such restriction); applied by the engine.
    only_ids: frozenset[str] | None = None

    def as_keyword(self, **changes: Any) -> SearchRequest:
        """This request as a plain keyword search (same query, filters, dates, exclusions,
        scope): first page, no facets, highlights, cursor or threads, ordered by relevance;
        then `changes` applied. What search by meaning and `matching_ids` run underneath."""
        plain = replace(
            self,
            mode="keyword",
            vector=None,
            offset=0,
            facets=[],
            highlight=False,
            search_after=None,
            collapse_threads=False,
            sort="relevance",
        )
        return replace(plain, **changes)


_CHECK_CHUNK = 5_000  # ids per search of `SearchBackend.matching_ids`


@dataclass(frozen=True)
class PassageMatch:
    """A passage found by meaning: its document, page, text and cosine similarity."""

    doc_id: str
    page: int
    text: str
    score: float


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
    # Sort values of this hit (for `SearchRequest.search_after`); backend-specific.
    sort: list[Any] = field(default_factory=list)
    # With `collapse_threads`: other hits of the same thread left out.
    thread_hits: int = 0


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
    # Opaque cursor for the next page (pass `decode_cursor(next_cursor)` as `search_after`).
    next_cursor: str | None = None
    # Milliseconds per stage of this search (names are the backend's own, e.g. "query",
    # "highlight", "facets"): the API sends them as a Server-Timing header, bench/search reads them.
    timings: dict[str, float] = field(default_factory=dict)


def encode_cursor(values: list[Any]) -> str:
    """An opaque, URL-safe string for sort values."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """The sort values of a cursor made by `encode_cursor`; `SearchError` if it is not one."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError) as err:
        raise SearchError("not a valid search cursor") from err
    if not isinstance(values, list) or len(values) != 2:
        raise SearchError("not a valid search cursor")
    return values


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

    def more_like_this(self, doc_id: str, limit: int = 10) -> list[Hit]:
        """Documents whose text resembles that of `doc_id` (itself excluded), most similar first."""
        raise NotImplementedError

    def keyword_ranking(self, request: SearchRequest) -> SearchResult:
        """`search` (keyword mode) for a ranking: ids, scores, total and facets are those of
        `search`; a backend may leave the hits' fields out (`index.semantic` fuses ids)."""
        return self.search(request)

    def matching_ids(self, request: SearchRequest, ids: Collection[str]) -> set[str]:
        """Which of `ids` match `request` as a keyword search: its query, filters, dates,
        exclusions, `only_ids` and scope (mode, vector, paging, sort and facets are ignored).

        `index.semantic` checks every vector hit with it. This default runs `search` on the
        ids, `_CHECK_CHUNK` at a time; a backend may answer without fetching any document.
        """
        only = request.only_ids
        wanted = [doc_id for doc_id in dict.fromkeys(ids) if only is None or doc_id in only]
        passed: set[str] = set()
        for first in range(0, len(wanted), _CHECK_CHUNK):
            chunk = frozenset(wanted[first : first + _CHECK_CHUNK])
            found = self.search(request.as_keyword(only_ids=chunk, limit=len(chunk)))
            passed |= {hit.id for hit in found.hits}
        return passed

    def nearest_passages(self, vector: list[float], k: int) -> list[PassageMatch]:
        """The `k` passages most similar to `vector`, of ANY document: unscoped and unfiltered.

        Only `index.semantic` calls it, and it checks every document against the request's
        filters and scope through `search` before anything is shown.
        """
        raise NotImplementedError

    def duplicates(self, doc_id: str) -> list[Hit]:
        """Other documents with the same content (same SHA-256)."""
        raise NotImplementedError

    def near_duplicates(self, doc_id: str) -> list[Hit]:
        """Other documents whose text is almost the same (SimHash, see `index.backends.similarity`)."""
        raise NotImplementedError

    def start_rebuild(self) -> None:
        """Begin a full rebuild: later `index` calls fill a fresh index that `finish_rebuild` puts live."""
        self.clear()

    def finish_rebuild(self) -> None:
        """Make the rebuilt index the live one (atomically where the engine allows)."""
        self.commit()

    def clear(self) -> None:
        """Remove every document (used by reindex)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release files, writers and connections."""
