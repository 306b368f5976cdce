"""Search by meaning and hybrid search: the same answers on every backend.

Every vector hit is checked against the request's filters and scope: a document the
request may not see is never returned, counted or faceted, however similar it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pytest

from index.backend import SearchBackend, SearchError, SearchRequest
from index.backends.embedded import EmbeddedBackend
from nlp.embedding import embed
from tests.conformance.conftest import SEMANTIC_OPENERS
from tests.conformance.semantic_corpus import semantic_corpus


@lru_cache(maxsize=32)
def vector(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in embed([text])[0])


@pytest.fixture(scope="module", params=SEMANTIC_OPENERS)
def meaning_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    from tests.conformance.conftest import OPENERS

    opened = OPENERS[request.param](request, tmp_path_factory.mktemp(f"meaning-{request.param}"))
    opened.index(semantic_corpus())
    opened.commit()
    yield opened
    opened.close()


def semantic(backend: SearchBackend, text: str, **extra: object) -> list[str]:
    found = backend.search(SearchRequest(mode="semantic", vector=vector(text), **extra))  # type: ignore[arg-type]
    return [hit.id for hit in found.hits]


def test_an_english_query_finds_the_italian_document_and_vice_versa(meaning_backend: SearchBackend) -> None:
    english = semantic(meaning_backend, "customer angry that the refund for a returned parcel never came")
    assert set(english[:3]) == {"it-refund", "en-refund", "hr-refund"}
    italian = semantic(meaning_backend, "fattura per la carta da ufficio")
    assert set(italian[:2]) == {"it-invoice", "en-invoice"}


def test_a_semantic_hit_shows_the_passage_that_matched_with_its_page(meaning_backend: SearchBackend) -> None:
    found = meaning_backend.search(
        SearchRequest(mode="semantic", vector=vector("the money for my returned parcel never arrived"))
    )
    top = next(hit for hit in found.hits if hit.id == "it-refund")
    assert top.highlights[0].page == 2 and "rimborso" in top.highlights[0].fragment
    assert top.fields["title"] == "it-refund"


def test_filters_and_scope_apply_to_vector_hits(meaning_backend: SearchBackend) -> None:
    query = "refund not received, I want my money back"
    scoped = meaning_backend.search(
        SearchRequest(
            mode="semantic", vector=vector(query), filters={"source": ["shop"]}, facets=["source", "language"]
        )
    )
    ids = [hit.id for hit in scoped.hits]
    assert "hr-refund" not in ids and {"it-refund", "en-refund"} <= set(ids[:2])
    assert {b.value for b in scoped.facets["source"]} == {"shop"}
    assert scoped.total == len(ids) and sum(b.count for b in scoped.facets["source"]) == scoped.total
    assert semantic(meaning_backend, query, filters={"language": ["en"]})[0] == "en-refund"
    assert "it-refund" not in semantic(meaning_backend, query, exclude_ids=frozenset({"it-refund"}))
    dated = semantic(
        meaning_backend,
        query,
        date_from=datetime(2024, 4, 1, tzinfo=UTC),
        date_to=datetime(2024, 4, 30, tzinfo=UTC),
    )
    assert set(dated) <= {"en-refund", "hr-refund"} and dated
    hidden_only = meaning_backend.search(
        SearchRequest(
            mode="semantic", vector=vector(query), filters={"source": ["nobody"]}, facets=["source"]
        )
    )
    assert hidden_only.total == 0 and not hidden_only.hits and hidden_only.facets["source"] == []


def test_hybrid_fuses_keyword_and_meaning(meaning_backend: SearchBackend) -> None:
    request = SearchRequest(
        query="fattura", mode="hybrid", vector=vector("office paper invoice"), facets=["language"], limit=3
    )
    found = meaning_backend.search(request)
    ids = [hit.id for hit in found.hits]
    assert ids[0] == "it-invoice"  # first in both lists
    assert "en-invoice" in ids  # found by meaning alone
    keyword_total = meaning_backend.search(SearchRequest(query="fattura", limit=0)).total
    assert found.total > keyword_total
    assert any("<mark>" in h.fragment for h in found.hits[0].highlights)
    # paging by offset walks the same fused list
    whole = [h.id for h in meaning_backend.search(SearchRequest(**{**vars(request), "limit": 6})).hits]
    pages = [
        h.id
        for offset in (0, 3)
        for h in meaning_backend.search(SearchRequest(**{**vars(request), "offset": offset})).hits
    ]
    assert pages == whole


def test_hybrid_searches_a_sentence_s_words_as_a_ranked_disjunction(meaning_backend: SearchBackend) -> None:
    # No document has both words: as a keyword query (AND) the sentence finds nothing.
    words = "fattura ferie"
    assert meaning_backend.search(SearchRequest(query=words)).total == 0
    either = meaning_backend.search(SearchRequest(query="fattura OR ferie", limit=0)).total
    found = meaning_backend.search(
        SearchRequest(query=words, mode="hybrid", vector=vector("the board approved the budget"), limit=8)
    )
    marked = {hit.id for hit in found.hits if any("<mark>" in h.fragment for h in hit.highlights)}
    assert marked == {"it-invoice", "it-ferie"}  # each matched by one of the words
    assert found.total >= either == 2
    # the field syntax stays the query language: an AND, as typed
    typed = meaning_backend.search(
        SearchRequest(query="fattura language:en", mode="hybrid", vector=vector("invoice"), limit=8)
    )
    assert not any("<mark>" in h.fragment for hit in typed.hits for h in hit.highlights)


def test_semantic_sorts_by_date_and_refuses_cursors(meaning_backend: SearchBackend) -> None:
    found = meaning_backend.search(
        SearchRequest(
            mode="semantic", vector=vector("refund"), sort="date_desc", filters={"source": ["shop"]}
        )
    )
    dates = [hit.fields["date"] for hit in found.hits]
    assert dates == sorted(dates, reverse=True) and len(dates) > 1
    with pytest.raises(SearchError):
        meaning_backend.search(SearchRequest(mode="semantic", vector=vector("refund"), search_after=[1, 2]))
    with pytest.raises(SearchError):
        meaning_backend.search(SearchRequest(mode="semantic"))  # no vector


QUERIES = [
    "customer angry that the refund for a returned parcel never came",
    "fattura per la carta da ufficio",
    "quando chiude l'ufficio per le vacanze estive?",
    "the parcel will arrive next week",
]
SCORE_TOLERANCE = 0.03  # int8 vectors in usearch and painless vs the engines' float cosine


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchBackend]:
    """The embedded index, the yardstick of every backend's ranking."""
    opened = EmbeddedBackend(Path(tmp_path_factory.mktemp("reference")) / "index", writer=True)
    opened.index(semantic_corpus())
    opened.commit()
    yield opened
    opened.close()


@pytest.mark.parametrize("query", QUERIES)
def test_every_backend_ranks_by_meaning_like_the_embedded_index(
    meaning_backend: SearchBackend, reference: SearchBackend, query: str
) -> None:
    request = SearchRequest(mode="semantic", vector=vector(query), limit=3)
    mine = {hit.id: hit.score for hit in meaning_backend.search(request).hits}
    expected = {hit.id: hit.score for hit in reference.search(request).hits}
    assert set(mine) == set(expected)
    assert all(abs(mine[i] - expected[i]) <= SCORE_TOLERANCE for i in expected)
    for keyword in ("rimborso OR fattura", query.rstrip("?")):  # the sentence's words: a disjunction
        hybrid = SearchRequest(query=keyword, mode="hybrid", vector=vector(query), limit=3)
        assert [h.id for h in meaning_backend.search(hybrid).hits][:1] == [
            h.id for h in reference.search(hybrid).hits
        ][:1]
