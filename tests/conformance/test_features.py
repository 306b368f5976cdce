"""Deep paging, thread collapse, more like this and duplicates: the same answers on every backend.

Scores differ between engines (term statistics), so relevance-ordered pages are
checked for their invariants (every hit once, scores never rising), date-ordered
pages for the exact sequence: (date, id_key) is the documented order.
"""

from __future__ import annotations

from typing import Any

import pytest

from index.backend import Hit, SearchBackend, SearchError, SearchRequest, decode_cursor
from index.backends.derived import id_key
from tests.conformance.corpus import FEATURE_CORPUS

PAGED = sorted((doc for doc in FEATURE_CORPUS if doc.id.startswith("page-")), key=lambda doc: doc.id)


def _walk(backend: SearchBackend, **options: Any) -> list[Hit]:
    """Every hit of a query, page by page through cursors."""
    seen: list[Hit] = []
    after: list[Any] | None = None
    for _ in range(50):
        result = backend.search(SearchRequest(limit=4, search_after=after, highlight=False, **options))
        assert result.total == len(PAGED)
        seen += result.hits
        if result.next_cursor is None:
            return seen
        after = decode_cursor(result.next_cursor)
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize("sort", ["date_desc", "date_asc"])
def test_search_after_by_date_is_exact(feature_backend: SearchBackend, sort: str) -> None:
    descending = sort == "date_desc"
    expected = sorted(
        PAGED,
        key=lambda d: (-d.date.timestamp() if descending else d.date.timestamp(), id_key(d.id)),  # type: ignore[union-attr]
    )
    walked = _walk(feature_backend, query="archivio", sort=sort)
    assert [h.id for h in walked] == [d.id for d in expected]


@pytest.mark.parametrize("query", ["archivio", "*"])
def test_search_after_by_relevance_visits_each_hit_once(feature_backend: SearchBackend, query: str) -> None:
    walked = _walk(feature_backend, query=query, filters={"id": [d.id for d in PAGED]})
    assert sorted(h.id for h in walked) == [d.id for d in PAGED]
    scores = [h.score for h in walked]
    assert scores == sorted(scores, reverse=True)


def test_cursor_is_opaque_and_checked(feature_backend: SearchBackend) -> None:
    result = feature_backend.search(SearchRequest(query="archivio", limit=2))
    assert isinstance(result.next_cursor, str)
    assert len(decode_cursor(result.next_cursor)) == 2
    with pytest.raises(SearchError):
        decode_cursor("not-a-cursor")


def test_search_after_is_not_capped(feature_backend: SearchBackend) -> None:
    first = feature_backend.search(SearchRequest(query="archivio", limit=1, sort="date_desc"))
    assert first.next_cursor is not None
    deep = SearchRequest(query="archivio", limit=1, offset=20_000, sort="date_desc")
    deep.search_after = decode_cursor(first.next_cursor)  # offset is ignored with a cursor
    assert len(feature_backend.search(deep).hits) == 1


def test_collapse_threads(feature_backend: SearchBackend) -> None:
    result = feature_backend.search(SearchRequest(query="reclamo", collapse_threads=True, limit=10))
    by_thread = {hit.fields["thread_id"] or hit.id: hit for hit in result.hits}
    assert set(by_thread) == {"thread-a", "thread-b", "lone-reclamo"}
    assert by_thread["thread-a"].thread_hits == 2
    assert by_thread["thread-a"].id in {"mail-1", "mail-2", "mail-3"}
    assert by_thread["thread-b"].thread_hits == 0
    assert by_thread["lone-reclamo"].thread_hits == 0
    assert result.total == 5  # documents, not threads
    expanded = feature_backend.search(SearchRequest(query="reclamo", limit=10))
    assert len(expanded.hits) == 5


def test_collapse_threads_within_a_thread_filter(feature_backend: SearchBackend) -> None:
    request = SearchRequest(query="spedizione", filters={"thread_id": ["thread-a"]}, collapse_threads=True)
    (hit,) = feature_backend.search(request).hits
    assert hit.thread_hits == 2


def test_duplicates_are_same_content(feature_backend: SearchBackend) -> None:
    assert [h.id for h in feature_backend.duplicates("contract")] == ["contract-copy"]
    assert [h.id for h in feature_backend.duplicates("contract-copy")] == ["contract"]
    assert feature_backend.duplicates("cooking") == []


def test_near_duplicates(feature_backend: SearchBackend) -> None:
    found = [h.id for h in feature_backend.near_duplicates("contract")]
    assert found == ["contract-copy", "contract-scan"]  # distance 0 first, then by id
    assert feature_backend.near_duplicates("cooking") == []


def test_more_like_this(feature_backend: SearchBackend) -> None:
    similar = [h.id for h in feature_backend.more_like_this("contract", limit=3)]
    assert "contract" not in similar
    assert set(similar[:2]) == {"contract-copy", "contract-scan"}
    assert "cooking" not in similar


def test_unknown_document(feature_backend: SearchBackend) -> None:
    with pytest.raises(SearchError):
        feature_backend.duplicates("nope")


def test_limit_zero_on_an_empty_result(feature_backend: SearchBackend) -> None:
    result = feature_backend.search(SearchRequest(query="inesistente", limit=0))
    assert (result.total, result.hits, result.next_cursor) == (0, [], None)


def test_cursor_and_collapse_do_not_mix(feature_backend: SearchBackend) -> None:
    with pytest.raises(SearchError):
        feature_backend.search(SearchRequest(query="reclamo", search_after=[1.0, 1], collapse_threads=True))


def test_excluded_ids_are_left_out_however_many(feature_backend: SearchBackend) -> None:
    """Pending deletions: thousands of ids, filtered by the engine (no query rewriting, no cap)."""
    gone = {PAGED[0].id, PAGED[-1].id}
    unknown = {f"gone-{n:05d}" for n in range(12_000)}  # more than one terms clause on the cluster
    request = SearchRequest(
        query="archivio", limit=100, highlight=False, exclude_ids=frozenset(gone | unknown)
    )
    result = feature_backend.search(request)
    assert result.total == len(PAGED) - 2
    assert gone.isdisjoint(h.id for h in result.hits)
    assert sum(b.count for b in feature_backend.histogram(request, "month")) == len(PAGED) - 2


def test_a_parsed_tree_is_searched_as_given(feature_backend: SearchBackend) -> None:
    from index.query import parse

    request = SearchRequest(query="this text is not parsed", tree=parse("archivio"), limit=0)
    assert feature_backend.search(request).total == len(PAGED)
