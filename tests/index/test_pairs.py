"""Word pairs (`index.backends.embedded_pairs`): a phrase finds exactly what the positional phrase finds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import tantivy

from core.catalog import Catalog
from core.document import EmailHeaders
from index.backend import IndexDamaged, SearchRequest
from index.backends.embedded import EmbeddedBackend
from index.backends.embedded_schema import Analyzers, build_schema
from index.healing import damaged_copy, open_writer
from index.query import parse
from tests.conformance.corpus import make_document
from tests.support import make_settings

_LONG = "x" * 70  # longer than the analyzers keep: dropped, and leaves a gap
TEXTS: dict[str, tuple[str | None, str]] = {
    "it-stop": ("it", "La configurazione della rete è stata cambiata. Configurazioni delle reti nuove."),
    "it-accents": ("it", "Perché più città hanno già aggiornato il caffè? Perche piu citta."),
    "it-repeat": ("it", "molto molto bene, bene bene molto; rete rete rete."),
    "en-stop": ("en", "The state of the art. Configuration of the network; network configurations."),
    "en-stems": ("en", "Running servers were running; the server runs and ran."),
    "long-gap": ("en", f"network {_LONG} configuration, then configuration again."),
    "unknown": (None, "Rete della configurazione and the network of the configuration."),
    "pages": ("it", "fine della pagina\fprima riga della seconda pagina"),
}
PHRASES = [
    '"configurazione della rete"',
    '"della rete"',
    '"configurazione rete"',
    '"configurazioni reti"',
    '"la configurazione"',
    '"perché più"',
    '"perche piu citta"',
    '"città hanno già"',
    '"molto molto"',
    '"molto bene"',
    '"bene bene molto"',
    '"rete rete rete"',
    '"rete rete"',
    '"state of the art"',
    '"state art"',
    '"of the"',
    '"the network"',
    '"network configuration"',
    '"network configurations"',
    '"running servers"',
    '"server runs"',
    '"runs ran"',
    '"configuration again"',
    '"pagina prima"',
    '"seconda pagina"',
    '="network configuration"',
    '="della rete"',
    'title:"network configuration"',
    'subject:"della rete"',
    '"configurazione rete"~2',
    '"network configuration"~1',
    '"rete configurazione"~3',
    '"network configuration" AND "della rete"',
    '"network configuration" OR "molto bene"',
    'rete -"della rete"',
]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackend]:
    found = EmbeddedBackend(tmp_path_factory.mktemp("pairs") / "index", writer=True, pairs=True)
    documents = []
    for doc_id, (language, text) in TEXTS.items():
        pages = text.split("\f")
        email = EmailHeaders(sender="a@example.it", to=["b@example.it"], subject=text[:60])
        documents.append(make_document(doc_id, pages, title=text[:40], language=language, email=email))
    found.index(documents)
    found.commit()
    yield found
    found.close()


def _positional(backend: EmbeddedBackend, query: str) -> tuple[int, set[str]]:
    """What today's positional phrases match (no pair field involved)."""
    searcher = backend._index.searcher()
    compiled = backend._positional.compile(parse(query))
    found = searcher.search(compiled, limit=100, count=True)
    ids = {str(searcher.doc(address).get_first("id")) for _, address in found.hits}
    return int(getattr(found, "count", 0) or 0), ids


@pytest.mark.parametrize("query", PHRASES)
def test_a_phrase_by_pairs_matches_what_positions_match(backend: EmbeddedBackend, query: str) -> None:
    result = backend.search(SearchRequest(query=query, limit=100))
    assert (result.total, {hit.id for hit in result.hits}) == _positional(backend, query)


def test_the_phrases_are_not_trivial(backend: EmbeddedBackend) -> None:
    """Most phrases find something, some find nothing: the comparison above can fail."""
    totals = [_positional(backend, query)[0] for query in PHRASES]
    assert sum(1 for total in totals if total) >= len(PHRASES) * 2 // 3
    assert 0 in totals


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # stems; neither across the dropped long word nor across stop words ("network of the configuration")
        ('"network configuration"', {"en-stop"}),
        ('"della rete"', {"it-stop", "it-repeat", "unknown"}),  # stemmed: the stop word leaves "rete" alone
        ('"molto molto"', {"it-repeat"}),
        ('"pagina prima"', {"pages"}),  # across a page break
    ],
)
def test_phrase_results(backend: EmbeddedBackend, query: str, expected: set[str]) -> None:
    assert {hit.id for hit in backend.search(SearchRequest(query=query, limit=100)).hits} == expected


def test_two_words_need_no_positions(backend: EmbeddedBackend) -> None:
    """The compiled two-word phrase names no position-reading query (a term on the pairs field)."""
    compiled = repr(backend._compiler.compile(parse('"network configuration"')))
    assert "PhraseQuery" not in compiled and '"network configur"' in compiled
    assert "PhraseQuery" in repr(backend._compiler.compile(parse('"network configuration"~1')))


def test_a_phrase_is_highlighted_in_the_text(backend: EmbeddedBackend) -> None:
    (hit,) = backend.search(SearchRequest(query='"running servers"', filters={"id": ["en-stems"]})).hits
    assert any("<mark>Running</mark> <mark>servers</mark>" in h.fragment for h in hit.highlights)


@pytest.mark.parametrize("language", ["it", "en"])
def test_quick_pairs_are_the_positional_pairs(language: str) -> None:
    """The pairs made from plain token lists equal those made from each token's position."""
    analyzers = Analyzers()
    for _, text in TEXTS.values():
        assert analyzers.pairs.pairs(text, [language]) == analyzers.pairs._by_position(text, [language])


def test_pairs_skip_stop_words_and_long_words() -> None:
    exact, stemmed = Analyzers().pairs.pairs(f"the network of {_LONG} configurations", ["en"])
    assert exact.split("\n") == ["the network", "network of"]
    assert stemmed == {"en": ""}


@pytest.mark.parametrize("pairs", [False, True])
def test_switching_pairs_rebuilds_the_index(tmp_path: Path, pairs: bool) -> None:
    """An index built with the other choice has another schema: damaged, so `index.healing` rebuilds it."""
    built = tantivy.Index(build_schema(pairs=not pairs), path=str(tmp_path))
    del built
    with pytest.raises(IndexDamaged, match="reindex"):
        EmbeddedBackend(tmp_path, writer=False, pairs=pairs)
    EmbeddedBackend(tmp_path, writer=False, pairs=not pairs).close()


def test_without_the_setting_phrases_use_positions(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path, writer=True, pairs=False)
    backend.index([make_document("d", ["network configuration"], language="en")])
    backend.commit()
    assert "PhraseQuery" in repr(backend._compiler.compile(parse('"network configuration"')))
    assert [h.id for h in backend.search(SearchRequest(query='"network configuration"')).hits] == ["d"]
    backend.close()


@pytest.mark.parametrize("pairs_before", [False, True])
def test_the_worker_rebuilds_an_index_built_with_the_other_choice(tmp_path: Path, pairs_before: bool) -> None:
    """Upgrading (an index built before pairs were on by default) or turning them off: `open_writer` rebuilds.

    The settings of the first case are the defaults: word pairs are on unless turned off.
    """
    settings = make_settings(tmp_path) if not pairs_before else make_settings(tmp_path, phrase_pairs=False)
    assert settings.phrase_pairs is not pairs_before
    settings.index_dir.mkdir(parents=True)
    before = EmbeddedBackend(settings.index_dir, writer=True, pairs=pairs_before)
    before.index([make_document("d", ["network configuration"], language="en")])
    before.commit()
    before.close()
    healed = open_writer(settings, Catalog(settings.resolved_catalog_url))
    try:
        assert "built with other settings (phrase_pairs)" in healed.damage and "reindex" in healed.damage
        assert healed.settings_changed and not damaged_copy(settings.index_dir).exists()
        assert isinstance(healed.backend, EmbeddedBackend) and healed.backend._pairs is not pairs_before
    finally:
        healed.backend.close()
