"""PERSON/ORG: Italian rules (company suffixes, honorifics), English spaCy NER, and overlaps."""

from __future__ import annotations

import itertools

import pytest

from core.document import Entity
from nlp.entities import entities_from_doc, find_pattern_entities, load_english_ner, merge_entities
from nlp.entities.names import find_italian_organisations, find_italian_persons


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("Spett.le Rossi S.r.l., Via Roma 1", "Rossi S.r.l.", "Rossi S.r.l."),
        ("il fornitore Alfa S.p.A. ha risposto", "Alfa S.p.A.", "Alfa S.p.A."),
        ("presso Beta s.n.c. di Verdi", "Beta s.n.c.", "Beta S.n.c."),
        ("la Gamma S.a.s. chiede", "Gamma S.a.s.", "Gamma S.a.s."),
        ("ordine a Delta Srl per", "Delta Srl", "Delta S.r.l."),
        ("Officine Meccaniche Lombarde S.p.A. comunica", "Officine Meccaniche Lombarde S.p.A.", None),
    ],
)
def test_italian_companies_by_suffix(text: str, written: str, value: str | None) -> None:
    (entity,) = find_italian_organisations(text)
    assert entity.text == written
    assert entity.value == (value or written)
    assert entity.source == "rule"


def test_two_companies_in_a_row_stay_apart() -> None:
    found = find_italian_organisations("Alfa S.p.A. e Beta Srl hanno firmato")
    assert [e.value for e in found] == ["Alfa S.p.A.", "Beta S.r.l."]


def test_no_company_without_a_capitalised_name() -> None:
    assert find_italian_organisations("abbiamo aperto una srl e poi una spa") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Gentile Sig. Mario Rossi,", "Mario Rossi"),
        ("la Sig.ra Anna Bianchi ha chiamato", "Anna Bianchi"),
        ("Dott. Luca De Santis", "Luca De Santis"),
        ("Avv. Maria Verdi per conto del cliente", "Maria Verdi"),
        ("Ing. Paolo Neri", "Paolo Neri"),
        ("gentile signora Giulia Russo,", "Giulia Russo"),
    ],
)
def test_italian_persons_by_honorific(text: str, name: str) -> None:
    (entity,) = find_italian_persons(text)
    assert entity.value == entity.text == name
    assert text[entity.start : entity.end] == name


def test_generic_addressees_are_not_persons() -> None:
    assert find_italian_persons("Gentile Cliente, Egregio Signore, Sig. Cliente") == []


def test_english_ner_people_organisations_places() -> None:
    nlp = load_english_ner()
    text = "John Smith of Microsoft met the mayor of London on Monday."
    found = {(e.label, e.value) for e in entities_from_doc(nlp(text))}
    assert {("PERSON", "John Smith"), ("ORG", "Microsoft"), ("LOC", "London")} <= found


def test_english_ner_loads_only_what_ner_needs() -> None:
    assert load_english_ner().pipe_names == ["ner"]


def test_validated_pattern_beats_overlapping_spacy_span() -> None:
    iban = Entity("IBAN", "IT60X", "IT60X", 10, 20, "pattern")
    org = Entity("ORG", "X", "X", 5, 15, "spacy")
    other = Entity("PERSON", "Y", "Y", 20, 25, "spacy")
    assert merge_entities([org, other, iban]) == [iban, other]


def test_merge_prefers_the_longer_span_of_the_same_rank() -> None:
    short = Entity("DATE", "a", "a", 0, 5)
    long = Entity("DATE", "b", "b", 0, 10)
    assert merge_entities([short, long]) == [long]


def test_patterns_do_not_overlap_after_merge() -> None:
    text = "Fattura n. 2024/118 del 12/03/2024, € 1.234,56, tel. 02 1234 5678, P.IVA 12345670017"
    merged = merge_entities(find_pattern_entities(text))
    assert [e.label for e in merged] == ["REFERENCE", "DATE", "MONEY", "PHONE", "PARTITA_IVA"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(merged))


def test_ner_noise_from_encoded_text_is_dropped() -> None:
    nlp = load_english_ner()
    text = "Content-Type: application/pkcs7-signature; name=smime.p7s\n" + (
        "MIIGbQYJKoZIhvcNAQcCoIIGXjCCBloCAQExDzANBglghkgBZQMEAgEFADALBgkqhkiG9w0BBwGgggOt\n" * 20
    )
    for entity in entities_from_doc(nlp(text)):
        assert "=" not in entity.value
        for word in entity.value.split():
            mixed = any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)
            assert not (mixed and len(word) > 4), entity
