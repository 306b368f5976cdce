"""The embedded (tantivy) backend: analysis, writer/reader life cycle, limits and errors.

The query semantics shared with every backend live in ``tests/conformance``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tantivy

from core.settings import Settings
from index.backend import BackendUnavailable, QuerySyntaxError, SearchError, SearchRequest
from index.backends import open_backend
from index.backends.embedded import EmbeddedBackend
from tests.conformance.corpus import CORPUS, make_document


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[EmbeddedBackend]:
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    backend.index(CORPUS)
    backend.commit()
    yield backend
    backend.close()


def ids(backend: EmbeddedBackend, query: str) -> set[str]:
    return {hit.id for hit in backend.search(SearchRequest(query=query, limit=50)).hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fatture", {"it-fattura", "it-fatture"}),
        ("perche", {"it-fattura"}),
        ("=fatture", {"it-fatture"}),
        ("fatura~1", {"it-fattura"}),
        ("complaining", {"en-invoice"}),
        ("complain", {"en-invoice"}),
        ("=complain", set()),
    ],
)
def test_analysis(writer: EmbeddedBackend, query: str, expected: set[str]) -> None:
    assert ids(writer, query) == expected


def test_exact_match_ranks_above_stem_only_match(writer: EmbeddedBackend) -> None:
    hits = writer.search(SearchRequest(query="fatture")).hits
    assert hits[0].id == "it-fatture"


def test_long_text_is_indexed_to_the_end(tmp_path: Path) -> None:
    filler = "parola " * 300_000  # 2.1 million characters
    long_doc = make_document("long", [filler[:1_000_000], filler[:1_000_000] + " ultimissima"], language="it")
    assert len(long_doc.text) > 2_000_000
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    backend.index([long_doc])
    backend.commit()
    (hit,) = backend.search(SearchRequest(query="ultimissima")).hits
    assert hit.id == "long"
    assert hit.highlights[0].page == 2
    assert "<mark>ultimissima</mark>" in hit.highlights[0].fragment
    backend.close()


def test_index_replaces_by_id_and_delete_removes(writer: EmbeddedBackend) -> None:
    writer.index([make_document("it-fatture", ["Documento sostituito."], language="it")])
    writer.commit()
    assert ids(writer, "sostituito") == {"it-fatture"}
    assert "it-fatture" not in ids(writer, "febbraio")
    assert writer.count() == len(CORPUS)
    writer.delete(["it-fatture"])
    writer.commit()
    assert writer.count() == len(CORPUS) - 1


def test_clear(writer: EmbeddedBackend) -> None:
    writer.clear()
    writer.commit()
    assert writer.count() == 0
    assert writer.histogram(SearchRequest(), "month") == []


def test_reader_sees_commits_after_refresh(writer: EmbeddedBackend, tmp_path: Path) -> None:
    reader = EmbeddedBackend(tmp_path / "index", writer=False)
    assert reader.count() == len(CORPUS)
    writer.index([make_document("new", ["Nuovissimo documento."], language="it")])
    writer.commit()
    reader.refresh()
    assert ids(reader, "nuovissimo") == {"new"}
    with pytest.raises(SearchError):
        reader.index(CORPUS)
    reader.close()


def test_one_writer_at_a_time(writer: EmbeddedBackend, tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable):
        EmbeddedBackend(tmp_path / "index", writer=True)
    writer.close()
    again = EmbeddedBackend(tmp_path / "index", writer=True)
    assert again.count() == len(CORPUS)
    again.close()


def test_changed_schema_is_reported(tmp_path: Path) -> None:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("other", stored=True)
    tantivy.Index(builder.build(), path=str(tmp_path))
    with pytest.raises(BackendUnavailable, match="reindex"):
        EmbeddedBackend(tmp_path, writer=False)


def test_limit_zero_still_counts_and_facets(writer: EmbeddedBackend) -> None:
    result = writer.search(SearchRequest(query="complaint:true", limit=0, facets=["category"]))
    assert result.hits == []
    assert result.total == 2
    assert {b.value for b in result.facets["category"]} == {"billing", "delivery"}


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(filters={"text": ["x"]}),
        SearchRequest(filters={"nope": ["x"]}),
        SearchRequest(filters={"complaint": ["maybe"]}),
        SearchRequest(facets=["text"]),
        SearchRequest(facets=["nope"]),
        SearchRequest(offset=-1),
        SearchRequest(offset=10_000, limit=1),
    ],
)
def test_bad_requests(writer: EmbeddedBackend, request_: SearchRequest) -> None:
    with pytest.raises(SearchError):
        writer.search(request_)


def test_bad_query_raises_syntax_error(writer: EmbeddedBackend) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        writer.search(SearchRequest(query="fattura AND (rossi"))
    assert caught.value.position == len("fattura AND (rossi")


def test_naive_dates_are_utc(writer: EmbeddedBackend) -> None:
    writer.index([make_document("naive", ["Data senza fuso."], date=datetime(2030, 5, 1, 12))])
    writer.commit()
    assert ids(writer, "date:2030-05-01") == {"naive"}
    (hit,) = writer.search(SearchRequest(query="fuso")).hits
    assert hit.fields["date"] == datetime(2030, 5, 1, 12, tzinfo=UTC)


def test_open_backend(settings: Settings) -> None:
    backend = open_backend(settings, writer=True)
    assert backend.name == "embedded"
    assert backend.count() == 0
    backend.close()
    cluster = settings.model_copy(update={"search_backend": "cluster"})
    with pytest.raises(BackendUnavailable):
        open_backend(cluster, writer=False)
