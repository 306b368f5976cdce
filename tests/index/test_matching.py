"""Counts, facets and histograms of the embedded backend run a query that does not score.

`EmbeddedBackend._matching` ORs a word's variants instead of letting them compete in a
disjunction max; with facets, one aggregation counts the matches and their facets and the
page search does not count. These tests hold that nothing a user gets changes: the same
documents match, and totals, hits, scores and facets are those of the scoring query.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import tantivy

from index.backend import SearchRequest
from index.backends.embedded import EmbeddedBackend
from index.backends.embedded_aggs import facets, histogram
from tests.conformance.corpus import CORPUS

QUERIES = [
    "fatture",
    "fattura OR contract",
    "=fatture",
    '"la fattura"',
    '"fattura numero"',
    '"customer is complaining"',
    '"contract parties"~2',
    "fatt*",
    "fatura~1",
    "title:fattura",
    "subject:reclamo",
    "complaining -delivery",
    "NOT fattura",
    "*",
    "pagina AND (rimborso OR dettagli)",
    "ordine confermato",
    "perche",
    "category:billing",
]
FACETS = ["category", "language", "type", "customer"]
FILTERS: list[dict[str, list[str]]] = [
    {},
    {"language": ["it"]},
    {"type": ["email"], "customer": ["ACME", "Beta"]},
]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackend]:
    found = EmbeddedBackend(tmp_path_factory.mktemp("matching") / "index", writer=True)
    found.index(CORPUS)
    found.commit()
    yield found
    found.close()


def _addresses(searcher: tantivy.Searcher, query: tantivy.Query) -> set[tuple[int, int]]:
    return {(a.segment_ord, a.doc) for _, a in searcher.search(query, limit=1_000, count=False).hits}


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("query", QUERIES)
def test_the_matching_query_finds_the_same_documents(
    backend: EmbeddedBackend, query: str, filters: dict[str, list[str]]
) -> None:
    request = SearchRequest(query=query, filters=filters)
    searcher = backend._index.searcher()
    scoring = backend._queries(request)[0]
    assert _addresses(searcher, backend._matching(request)) == _addresses(searcher, scoring)


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("query", QUERIES)
def test_facets_count_what_the_scoring_query_counts(
    backend: EmbeddedBackend, query: str, filters: dict[str, list[str]]
) -> None:
    plain = backend.search(SearchRequest(query=query, filters=filters, limit=3))
    faceted = backend.search(SearchRequest(query=query, filters=filters, limit=3, facets=FACETS))
    searcher = backend._index.searcher()
    scoring = backend._queries(SearchRequest(query=query, filters=filters))[0]
    assert faceted.total == plain.total == searcher.search(scoring, limit=1, count=True).count  # type: ignore[attr-defined]
    assert [(h.id, h.score) for h in faceted.hits] == [(h.id, h.score) for h in plain.hits]
    assert faceted.facets == facets(searcher, scoring, FACETS, 10)


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(query="fatture", facets=FACETS, offset=1, limit=1),
        SearchRequest(query="fattura OR invoices", facets=FACETS, collapse_threads=True),
        SearchRequest(query="*", facets=FACETS, sort="date_desc", limit=2),
        SearchRequest(query="nessunaparolacosi", facets=FACETS),
    ],
)
def test_every_page_path_counts_with_facets(backend: EmbeddedBackend, request_: SearchRequest) -> None:
    searcher = backend._index.searcher()
    scoring = backend._queries(request_)[0]
    result = backend.search(request_)
    assert result.total == searcher.search(scoring, limit=1, count=True).count  # type: ignore[attr-defined]
    assert result.facets == facets(searcher, scoring, FACETS, 10)


@pytest.mark.parametrize("query", ["fattura OR invoices", "*", '"la fattura"', "NOT fattura"])
def test_histogram_is_that_of_the_scoring_query(backend: EmbeddedBackend, query: str, tmp_path: Path) -> None:
    request = SearchRequest(query=query)
    scoring = backend._queries(request)[0]
    expected = histogram(backend._index.searcher(), scoring, "month")
    assert backend.histogram(request, "month") == expected
