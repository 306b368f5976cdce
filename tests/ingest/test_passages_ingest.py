"""The worker embeds passages during ingestion, stores them with the document, and
`faldone reindex` rebuilds the vectors from the catalog without embedding again."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from core.catalog import Catalog
from index.backend import SearchRequest
from index.backends import open_backend
from index.healing import rebuild
from nlp.embedding import embed
from tests.support import ingest_into, make_settings


def test_ingested_documents_are_found_by_meaning_and_survive_a_reindex(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "reclamo.txt").write_text(
        "Spett.le ditta, ho restituito il pacco il 3 marzo.\n\n"
        "Il rimborso non è ancora arrivato e rivoglio i miei soldi. Distinti saluti.",
        encoding="utf-8",
    )
    (letters / "ferie.txt").write_text(
        "The office will be closed for the summer holidays in August.", encoding="utf-8"
    )
    settings = make_settings(tmp_path / "data")
    ingest_into(settings, [letters])
    catalog = Catalog(settings.resolved_catalog_url)
    docs = {doc.filename: doc for batch in catalog.iter_documents() for doc in batch}
    letter = docs["reclamo.txt"]
    assert letter.annotations.passages and all(p.page == 1 for p in letter.annotations.passages)
    vector = tuple(float(x) for x in embed(["I am still waiting for my refund"])[0])
    backend = open_backend(settings, writer=True)
    try:
        found = backend.search(SearchRequest(mode="semantic", vector=vector))
        assert found.hits[0].id == letter.id
        assert rebuild(backend, catalog) == 2
        again = backend.search(SearchRequest(mode="semantic", vector=vector))
        assert [h.id for h in again.hits] == [h.id for h in found.hits]
    finally:
        backend.close()
        catalog.close()
    monkeypatch.setattr("cli.main.load_settings", lambda: settings)
    capsys.readouterr()
    assert main(["search", "--limit", "1", "--mode", "semantic", "still waiting for my refund"]) == 0
    printed = capsys.readouterr().out
    assert "(semantic)" in printed and letter.id in printed


def test_documents_ingested_without_passages_get_them_from_nlp_embed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "reso.txt").write_text(
        "Ho restituito il pacco il 3 marzo e il rimborso non è ancora arrivato. Rivoglio i miei soldi.",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data", semantic_search=False)
    ingest_into(settings, [letters])
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        (before,) = [doc for batch in catalog.iter_documents() for doc in batch]
        assert before.annotations.passages == []
        monkeypatch.setattr("cli.main.load_settings", lambda: settings)
        assert main(["nlp", "embed"]) == 0
        after = catalog.document(before.id)
        assert after is not None and after.annotations.passages
        assert after.annotations.category == before.annotations.category  # only the passages changed
        assert main(["reindex"]) == 0
    finally:
        catalog.close()
    backend = open_backend(settings, writer=False)
    try:
        vector = tuple(float(x) for x in embed(["my refund never came"])[0])
        assert [h.id for h in backend.search(SearchRequest(mode="semantic", vector=vector)).hits] == [
            before.id
        ]
    finally:
        backend.close()
