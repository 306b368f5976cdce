"""Queries, filters, facets, highlights and histograms every backend must answer alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from index.backend import FacetBucket, QuerySyntaxError, SearchBackend, SearchError, SearchRequest

ALL = {"it-fattura", "it-fatture", "en-invoice", "en-contract", "three-pages", "unknown-lang"}

CASES: list[tuple[str, set[str]]] = [
    ("", ALL),
    ("*", ALL),
    ("fatture", {"it-fattura", "it-fatture"}),  # Italian stemming
    ("perche", {"it-fattura"}),  # accent folding
    ("PERCHÉ", {"it-fattura"}),
    ("=fatture", {"it-fatture"}),  # exact mode does not stem
    ("=fattura", {"it-fattura"}),
    ('="fatture di febbraio"', {"it-fatture"}),
    ("invoice", {"en-invoice"}),  # English stemming
    ("confirm", {"unknown-lang"}),  # unknown language: stemmed both ways
    ("ordine", {"unknown-lang"}),
    ('"fatture di febbraio"', {"it-fatture"}),
    ('"fattura servizio"', set()),
    ('"fattura servizio"~5', {"it-fattura"}),
    ("fatura~1", {"it-fattura"}),  # one typo
    ("fatura~", {"it-fattura", "it-fatture"}),
    ("fatt*", {"it-fattura", "it-fatture"}),
    ("f?ttura", {"it-fattura"}),
    ("*ture", {"it-fatture"}),
    ("fattura gentile", {"it-fattura"}),  # implicit AND
    ("fattura contract", set()),
    ("fattura OR contract", {"it-fattura", "it-fatture", "en-contract"}),
    ("fattura || contract", {"it-fattura", "it-fatture", "en-contract"}),
    ("fatture AND NOT reclamo", {"it-fatture"}),
    ("fatture && !reclamo", {"it-fatture"}),
    ("+fatture -reclamo", {"it-fatture"}),
    ("fatture NOT reclamo", {"it-fatture"}),
    ("NOT fatture", ALL - {"it-fattura", "it-fatture"}),
    ("contract OR fatture AND reclamo", {"en-contract", "it-fattura"}),  # AND binds tighter
    ("(contract OR fatture) AND reclamo", {"it-fattura"}),
    ("subject:reclamo", {"it-fattura"}),
    ("subject:(delivery OR reclamo)", {"it-fattura", "en-invoice"}),
    ('subject:"late delivery"', {"en-invoice"}),
    ("title:fattura", {"it-fattura"}),
    ("body:fattura", {"it-fattura", "it-fatture"}),
    ("from:mario.rossi@example.it", {"it-fattura"}),
    ("sender:Mario.Rossi@Example.it", {"it-fattura"}),
    ("from:*@acme.com", {"en-invoice"}),
    ("to:support@faldone.it", {"en-invoice"}),
    ("sender:*", {"it-fattura", "en-invoice"}),
    ("customer:ACME", {"it-fattura", "it-fatture"}),
    ("category:billing", {"it-fattura", "it-fatture"}),
    ("type:email", {"it-fattura", "en-invoice"}),
    ("lang:en", {"en-invoice", "en-contract"}),
    ("date:[2024-02-01 TO 2024-02-29]", {"it-fatture", "en-invoice"}),
    ("date:[2024-03-31 TO 2024-03-31]", {"three-pages"}),
    ("date:2024-03", {"en-contract", "three-pages"}),
    ("date:{2024-02-10 TO 2024-03-05}", {"en-invoice"}),
    ("date:[* TO 2024-01-31]", {"it-fattura"}),
    ("date:>2024-03-05", {"three-pages", "unknown-lang"}),
    ("date:>=2024-03-05", {"en-contract", "three-pages", "unknown-lang"}),
    ("sentiment:<-0.5", {"it-fattura"}),
    ("sentiment:<=-0.5", {"it-fattura", "en-invoice"}),
    ("sentiment:[0.1 TO 0.3]", {"en-contract", "it-fatture"}),
    ("size:>=1500", {"it-fattura", "en-invoice", "en-contract"}),
    ("size:2048", {"it-fattura"}),
    ("pages:3", {"three-pages"}),
    ("complaint:true", {"it-fattura", "en-invoice"}),
    ("complaint:false", ALL - {"it-fattura", "en-invoice"}),
    ("NOT complaint:true", ALL - {"it-fattura", "en-invoice"}),
    ("fattura AND complaint:true", {"it-fattura"}),
]


def _ids(backend: SearchBackend, query: str, **options: object) -> set[str]:
    result = backend.search(SearchRequest(query=query, limit=100, **options))  # type: ignore[arg-type]
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q or "<empty>" for q, _ in CASES])
def test_query(backend: SearchBackend, query: str, expected: set[str]) -> None:
    assert _ids(backend, query) == expected


def test_count(backend: SearchBackend) -> None:
    assert backend.count() == len(ALL)


@pytest.mark.parametrize(
    ("query", "position"), [("fattura AND", 11), ('"fattura', 0), ("a)", 1), ("nope:x", 0)]
)
def test_syntax_error(backend: SearchBackend, query: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        backend.search(SearchRequest(query=query))
    assert caught.value.position == position


def test_filters_or_within_and_across(backend: SearchBackend) -> None:
    assert _ids(backend, "", filters={"category": ["billing"]}) == {"it-fattura", "it-fatture"}
    both = {"category": ["billing", "delivery"], "complaint": ["true"]}
    assert _ids(backend, "", filters=both) == {"it-fattura", "en-invoice"}
    assert _ids(backend, "fatture", filters={"customer": ["Beta"]}) == {"it-fatture"}


def test_date_bounds(backend: SearchBackend) -> None:
    window = {"date_from": datetime(2024, 2, 10, tzinfo=UTC), "date_to": datetime(2024, 3, 5, tzinfo=UTC)}
    assert _ids(backend, "", **window) == {"it-fatture", "en-invoice", "en-contract"}


def test_sort_by_date(backend: SearchBackend) -> None:
    oldest = backend.search(SearchRequest(sort="date_asc", limit=3))
    assert [h.id for h in oldest.hits] == ["it-fattura", "it-fatture", "en-invoice"]
    newest = backend.search(SearchRequest(sort="date_desc", limit=2, offset=1))
    assert [h.id for h in newest.hits] == ["three-pages", "en-contract"]
    assert newest.total == len(ALL)


def test_paging_is_capped(backend: SearchBackend) -> None:
    with pytest.raises(SearchError):
        backend.search(SearchRequest(offset=9_995, limit=10))


def test_hit_fields(backend: SearchBackend) -> None:
    (hit,) = backend.search(SearchRequest(query="=fattura")).hits
    assert hit.fields["title"] == "Fattura 2024/118"
    assert hit.fields["sender"] == "mario.rossi@example.it"
    assert hit.fields["complaint"] is True
    assert hit.fields["date"] == datetime(2024, 1, 15, 9, 30, tzinfo=UTC)


def test_facets_count_the_whole_result(backend: SearchBackend) -> None:
    result = backend.search(SearchRequest(limit=1, facets=["category", "customer"], facet_size=3))
    assert result.facets["category"] == [
        FacetBucket("billing", 2),
        FacetBucket("other", 2),
        FacetBucket("contract", 1),
    ]
    assert result.facets["customer"] == [FacetBucket("ACME", 2), FacetBucket("Beta", 2)]
    complaints = backend.search(SearchRequest(query="complaint:true", facets=["type"]))
    assert complaints.facets["type"] == [FacetBucket("email", 2)]


def test_highlight_marks_stems_and_escapes(backend: SearchBackend) -> None:
    (hit,) = backend.search(SearchRequest(query="rimborso")).hits
    (highlight,) = hit.highlights
    assert highlight.page == 3
    assert "<mark>rimborso</mark>" in highlight.fragment
    assert "&lt;subito&gt; &amp; pagato" in highlight.fragment
    (hit,) = backend.search(SearchRequest(query="fatture", filters={"category": ["billing"]}, limit=1)).hits
    assert any("<mark>" in h.fragment for h in hit.highlights)


def test_highlight_skips_negated_words(backend: SearchBackend) -> None:
    request = SearchRequest(query="fattura OR NOT nessun", filters={"id": ["it-fatture"]})
    (hit,) = backend.search(request).hits
    (highlight,) = hit.highlights
    assert "<mark>fatture</mark>" in highlight.fragment
    assert "<mark>Nessun</mark>" not in highlight.fragment


def test_histogram_by_month(backend: SearchBackend) -> None:
    buckets = backend.histogram(SearchRequest(), "month")
    assert [(b.start, b.count, b.complaints) for b in buckets] == [
        (datetime(2024, 1, 1, tzinfo=UTC), 1, 1),
        (datetime(2024, 2, 1, tzinfo=UTC), 2, 1),
        (datetime(2024, 3, 1, tzinfo=UTC), 2, 0),
        (datetime(2024, 4, 1, tzinfo=UTC), 1, 0),
    ]
    assert buckets[1].avg_sentiment == pytest.approx(-0.1)


def test_histogram_by_week_starts_monday_and_fills_gaps(backend: SearchBackend) -> None:
    buckets = backend.histogram(SearchRequest(query="complaint:true"), "week")
    assert buckets[0].start == datetime(2024, 1, 15, tzinfo=UTC)
    assert buckets[-1].start == datetime(2024, 2, 19, tzinfo=UTC)
    assert [b.count for b in buckets] == [1, 0, 0, 0, 0, 1]
    assert buckets[1].avg_sentiment is None


def test_histogram_by_day_counts_match_search(backend: SearchBackend) -> None:
    request = SearchRequest(query="date:[2024-02-01 TO 2024-03-31]")
    buckets = backend.histogram(request, "day")
    assert sum(b.count for b in buckets) == backend.search(request).total == 4
    assert buckets[0].start == datetime(2024, 2, 10, tzinfo=UTC)
    assert buckets[-1].start == datetime(2024, 3, 31, tzinfo=UTC)
    assert len(buckets) == 51


MARKS: list[tuple[str, str, dict[str, set[str]], int | None]] = [
    # query, document, marked words per highlight (lower-cased; "text" fragments carry a page), text page
    ("rimborso", "three-pages", {"text": {"rimborso"}}, 3),
    ("pagina", "three-pages", {"text": {"pagina"}}, 2),
    ("fatture", "it-fattura", {"text": {"fattura"}, "title": {"fattura"}, "subject": {"fattura"}}, 1),
    ("=fatture", "it-fatture", {"text": {"fatture"}}, 1),
    ("perche", "it-fattura", {"text": {"perché"}}, 1),
    ("invoice", "en-invoice", {"text": {"invoices"}}, 1),
    ("fatt*", "it-fatture", {"text": {"fatture"}}, 1),
    ('"late delivery"', "en-invoice", {"subject": {"late", "delivery"}}, None),
    # a phrase found only through its stems, and one found only in the subject
    ('"fatture numero"', "it-fattura", {"text": {"fattura", "numero"}}, 1),
    ('"reclamo fattura"', "it-fattura", {"subject": {"reclamo", "fattura"}}, None),
    ("fatura~1", "it-fattura", {"text": {"fattura"}, "title": {"fattura"}, "subject": {"fattura"}}, 1),
]


def _marked(fragment: str) -> set[str]:
    import re

    return {m.lower() for m in re.findall(r"<mark>(.*?)</mark>", fragment)}


@pytest.mark.parametrize(
    ("query", "doc_id", "marks", "page"), MARKS, ids=[f"{q}-{d}" for q, d, _, _ in MARKS]
)
def test_highlights_mark_the_same_words(
    backend: SearchBackend, query: str, doc_id: str, marks: dict[str, set[str]], page: int | None
) -> None:
    (hit,) = backend.search(SearchRequest(query=query, filters={"id": [doc_id]})).hits
    found = [_marked(h.fragment) for h in hit.highlights]
    assert sorted(map(sorted, found)) == sorted(map(sorted, marks.values()))
    pages = [h.page for h in hit.highlights if h.page is not None]
    assert pages == ([page] if page is not None else [])


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"query": "fattura OR invoice OR contract"},
        {"query": "NOT complaint:true"},
        {"filters": {"category": ["billing", "delivery"]}},
        {"filters": {"language": ["en"]}, "date_from": datetime(2024, 3, 1, tzinfo=UTC)},
        {"exclude_ids": frozenset({"it-fattura", "en-contract"})},
        {"only_ids": frozenset({"it-fatture", "three-pages", "en-invoice"}), "query": "fatture OR pagina"},
        {"only_ids": frozenset()},
    ],
    ids=["all", "words", "negation", "filter", "filter-and-date", "excluded", "only-ids", "only-none"],
)
def test_matching_ids_are_the_ids_search_finds_among_those_asked(
    backend: SearchBackend, options: dict[str, Any]
) -> None:
    asked = ["it-fattura", "en-invoice", "en-contract", "three-pages", "it-fatture", "no-such-doc"]
    expected = {hit.id for hit in backend.search(SearchRequest(limit=100, **options)).hits} & set(asked)
    # Mode, vector, paging and facets do not change which documents match.
    request = SearchRequest(
        mode="semantic", vector=(1.0, 0.0), offset=3, limit=1, facets=["language"], **options
    )
    assert backend.matching_ids(request, asked) == expected
    assert backend.matching_ids(request, []) == set()


def test_keyword_ranking_is_the_order_total_and_facets_of_search(backend: SearchBackend) -> None:
    request = SearchRequest(query="fattura OR fatture OR invoice OR pagina", limit=3, facets=["language"])
    searched, ranked = backend.search(request), backend.keyword_ranking(request)
    assert [hit.id for hit in ranked.hits] == [hit.id for hit in searched.hits]
    assert ranked.total == searched.total >= 3
    assert ranked.facets == searched.facets
