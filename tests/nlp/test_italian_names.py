"""Italian names without the model: rules combined with model spans, and one value per person/company."""

from __future__ import annotations

from core.document import Entity
from nlp.entities.italian import combine_italian
from nlp.entities.linking import link_entities, org_key, org_value, person_value
from nlp.entities.names import legal_form_at


def _span(text: str, written: str, label: str) -> Entity:
    start = text.index(written)
    return Entity(
        label=label, text=written, value=written, start=start, end=start + len(written), source="spacy"
    )


def test_legal_form_after_a_span_makes_an_org_with_the_suffix() -> None:
    text = "Il fornitore Alfa Impianti, S.p.A. ha risposto."
    (org,) = combine_italian(text, [_span(text, "Alfa Impianti", "PERSON")])
    assert (org.label, org.text, org.value) == ("ORG", "Alfa Impianti, S.p.A.", "Alfa Impianti S.p.A.")
    assert text[org.start : org.end] == org.text


def test_a_title_makes_a_person() -> None:
    for title in ("Dott.", "Avv.", "Ing.", "Sig.ra", "Gentile", "Dott.ssa"):
        text = f"Come concordato con {title} Serena Valli, inviamo il preventivo."
        (person,) = combine_italian(text, [_span(text, "Serena Valli", "ORG")])
        assert person.label == "PERSON", title


def test_a_vat_number_or_an_address_after_a_name_makes_an_org() -> None:
    text = "Fornitore: Nordtek Engineering\nP.IVA 01234567897\n"
    (org,) = combine_italian(text, [_span(text, "Nordtek Engineering", "PERSON")])
    assert org.label == "ORG"
    text = "Mittente: Nordtek Engineering\nVia Garibaldi 4\n20100 Milano"
    (org,) = combine_italian(text, [_span(text, "Nordtek Engineering", "PERSON")])
    assert org.label == "ORG"


def test_a_first_name_keeps_a_person_next_to_a_vat_number() -> None:
    text = "Titolare: Mario Bianchi\nP.IVA 01234567897"
    (person,) = combine_italian(text, [_span(text, "Mario Bianchi", "PERSON")])
    assert person.label == "PERSON"


def test_the_customer_registry_wins() -> None:
    text = "Abbiamo ricevuto il reclamo di Ferramenta Colli ieri."
    (org,) = combine_italian(
        text,
        [_span(text, "Ferramenta Colli", "PERSON")],
        registry={"ferramenta colli": "Colli Ferramenta Srl"},
    )
    assert (org.label, org.value, org.source) == ("ORG", "Colli Ferramenta Srl", "gazetteer")


def test_form_words_are_not_names() -> None:
    text = "Oggetto: Totale Documento"
    assert (
        combine_italian(text, [_span(text, "Oggetto", "ORG"), _span(text, "Totale Documento", "PERSON")])
        == []
    )


def test_legal_forms_are_found_whatever_their_spelling() -> None:
    for written, canonical in [
        ("S.r.l.", "S.r.l."),
        ("SRL", "S.r.l."),
        ("SPA", "S.p.A."),
        ("S.n.c.", "S.n.c."),
    ]:
        found = legal_form_at(f"Alfa {written}", 4)
        assert found is not None and found[2] == canonical, written
    assert legal_form_at("Alfa e Beta", 4) is None


def test_one_person_whatever_the_form() -> None:
    text = "ROSSI MARIO ... Mario Rossi ... M. Rossi ... Rossi ... L. Verdi"
    mentions = [_span(text, w, "PERSON") for w in ("ROSSI MARIO", "Mario Rossi", "M. Rossi", "L. Verdi")]
    rossi = Entity(label="PERSON", text="Rossi", value="Rossi", start=43, end=48, source="rule")
    linked = link_entities([*mentions, rossi])
    assert [e.value for e in linked] == ["Mario Rossi"] * 3 + ["L. Verdi", "Mario Rossi"]
    assert [e.text for e in linked] == ["ROSSI MARIO", "Mario Rossi", "M. Rossi", "L. Verdi", "Rossi"]


def test_an_initial_that_fits_two_people_is_left_alone() -> None:
    text = "Marco Rossi, Maria Rossi, M. Rossi"
    linked = link_entities([_span(text, w, "PERSON") for w in ("Marco Rossi", "Maria Rossi", "M. Rossi")])
    assert [e.value for e in linked] == ["Marco Rossi", "Maria Rossi", "M. Rossi"]


def test_person_names_in_capitals_are_put_in_order() -> None:
    assert person_value("ROSSI MARIO") == "Mario Rossi"
    assert person_value("MARIO ROSSI") == "Mario Rossi"
    assert person_value("DE LUCA MARIA TERESA") == "Maria Teresa De Luca"
    assert person_value("Giovanni della Casa") == "Giovanni della Casa"


def test_one_company_whatever_the_legal_form_spelling() -> None:
    assert org_key("Alfa S.r.l.") == org_key("ALFA SRL") == org_key("alfa srl") == "alfa"
    assert org_value("ALFA SRL") == "Alfa S.r.l."
    assert org_value("ENI S.p.A.") == "ENI S.p.A."
    text = "ALFA SRL ... Alfa S.r.l. ... Alfa"
    linked = link_entities([_span(text, w, "ORG") for w in ("ALFA SRL", "Alfa S.r.l.", "Alfa")])
    assert {e.value for e in linked} == {"Alfa S.r.l."}


def test_registry_and_user_values_are_kept() -> None:
    user = Entity(label="ORG", text="ALFA SRL", value="ALFA SRL", start=0, end=8, source="user")
    assert link_entities([user]) == [user]


def test_doubtful_spans_of_forms_need_a_cue() -> None:
    text = "DESCRIZIONE FORNITURA 12\nVia Enrico Fermi 4, Milano\nRossi Mario e poi ROSSI MARIO"
    spans = [
        _span(text, "DESCRIZIONE FORNITURA", "ORG"),  # capitals only, nothing backs it
        _span(text, "FORNITURA 12", "ORG"),  # digits
        _span(text, "Enrico Fermi", "PERSON"),  # a street
        _span(text, "Rossi Mario", "PERSON"),
        _span(text, "ROSSI MARIO", "PERSON"),  # capitals, but written plainly before
    ]
    assert [e.text for e in combine_italian(text, spans)] == ["Rossi Mario", "ROSSI MARIO"]
    text = "Fornitore: BETA COSTRUZIONI SRL"
    (org,) = combine_italian(text, [_span(text, "BETA COSTRUZIONI", "ORG")])
    assert (org.label, org.value) == ("ORG", "BETA COSTRUZIONI S.r.l.")
