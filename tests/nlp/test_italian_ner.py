"""The shipped Italian NER: it loads, tags Italian text, and its names become filters and facets."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.pipeline import EntityRecognizer

from core.catalog import Catalog
from core.corrections import add_correction
from core.document import Document, Page
from index.backend import SearchRequest
from index.backends.embedded import EmbeddedBackend
from nlp.annotate import Annotator
from nlp.entities.italian_ner import SHIPPED_MODEL, italian_model_path, load_italian_ner
from nlp.ner_train import docs_from_spans, examples_from_ner_corrections

LETTER = """Spett.le
ALFA SRL
Via Garibaldi 12
20121 Milano

Oggetto: reclamo per la fattura n. 245 del 3 marzo 2025

Egregi Signori,
sono Mario Rossi, cliente della vostra sede di Torino dal 2019. La fornitura consegnata
dal corriere il 5 marzo era incompleta e la Alfa S.r.l. non ha ancora risposto alle mie
due telefonate. Chiedo la sostituzione della merce entro quindici giorni.

Distinti saluti
ROSSI MARIO
"""


def _document(doc_id: str, text: str) -> Document:
    return Document(
        id=doc_id,
        sha256=doc_id * 64,
        filename=f"{doc_id}.txt",
        mime_type="text/plain",
        size=len(text),
        source="test",
        root_id=doc_id,
        pages=[Page(number=1, text=text)],
    )


def test_shipped_model_loads_with_italian_labels() -> None:
    nlp = load_italian_ner()
    assert nlp.lang == "it"
    ner = nlp.get_pipe("ner")
    assert isinstance(ner, EntityRecognizer)
    assert set(ner.labels) == {"PER", "ORG", "LOC"}
    assert italian_model_path(None) == SHIPPED_MODEL


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "La sede di Roma della Banca d'Italia resterà chiusa lunedì.",
            {("Roma", "LOC"), ("Banca d'Italia", "ORG")},
        ),
        ("Gentile Dott.ssa Chiara Fontanesi, Le confermiamo l'appuntamento.", {("Chiara Fontanesi", "PER")}),
    ],
)
def test_the_model_tags_italian_sentences(sentence: str, expected: set[tuple[str, str]]) -> None:
    doc = load_italian_ner()(sentence)
    assert expected <= {(e.text, e.label_) for e in doc.ents}


def test_annotator_links_names_of_an_italian_letter() -> None:
    doc = _document("a", LETTER)
    Annotator().annotate([doc])
    assert doc.annotations.language == "it"
    people = {e.text: e.value for e in doc.annotations.entities if e.label == "PERSON"}
    orgs = {e.text: e.value for e in doc.annotations.entities if e.label == "ORG"}
    assert people.get("Mario Rossi") == people.get("ROSSI MARIO") == "Mario Rossi"
    assert orgs.get("ALFA SRL") == orgs.get("Alfa S.r.l.") == "Alfa S.r.l."


def test_italian_names_are_filters_and_facets(tmp_path: Path) -> None:
    letter, other = _document("a", LETTER), _document("b", "Grazie per la collaborazione, a presto.")
    Annotator().annotate([letter, other])
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    try:
        backend.index([letter, other])
        backend.commit()
        backend.refresh()
        for query in ('person:"Mario Rossi"', 'org:"Alfa S.r.l."'):
            assert [hit.id for hit in backend.search(SearchRequest(query=query)).hits] == ["a"], query
        facets = backend.search(SearchRequest(query="*", facets=["person", "org"])).facets
        assert "Mario Rossi" in {bucket.value for bucket in facets["person"]}
        assert "Alfa S.r.l." in {bucket.value for bucket in facets["org"]}
    finally:
        backend.close()


def test_corrections_become_partial_training_examples(tmp_path: Path) -> None:
    catalog = Catalog(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    try:
        doc = _document("c", LETTER)
        Annotator().annotate([doc])
        catalog.enqueue(doc.sha256, doc.filename, "test")
        (job,) = catalog.claim("test-worker", 1, 60)
        catalog.complete(job, [doc], [], "text/plain")
        add_correction(
            catalog, "c", "entity_add", {"label": "ORG", "value": "Corriere Espresso", "text": "corriere"}
        )
        add_correction(catalog, "c", "entity_remove", {"label": "LOC", "value": "Torino"})
        examples = examples_from_ner_corrections(catalog)
    finally:
        catalog.close()
    assert sorted((text[s:e], label) for text, spans in examples for s, e, label in spans) == [
        ("Torino", "O"),
        ("corriere", "ORG"),
    ]
    docs = docs_from_spans(spacy.blank("it"), examples, partial=True)
    for taught in docs:
        annotated = [t for t in taught if t.ent_iob_ != ""]
        assert len(annotated) == 1  # only what the user said is taught; the rest is unknown
