"""EMAIL and PHONE: addresses, E.164 normalisation, and digit runs that are not phones."""

from __future__ import annotations

from nlp.entities.email import find_emails
from nlp.entities.phone import find_phones
from tests.nlp._codes import iban_it


def test_emails_are_found_with_exact_offsets_and_lower_case_value() -> None:
    text = "Scrivete a Ufficio.Reclami@Example.IT oppure to support@example.co.uk, grazie."
    found = find_emails(text)
    assert [e.value for e in found] == ["ufficio.reclami@example.it", "support@example.co.uk"]
    for entity in found:
        assert text[entity.start : entity.end] == entity.text
        assert entity.label == "EMAIL"


def test_not_an_email() -> None:
    assert find_emails("user@localhost, @mention, a@b, name at example dot com") == []


def test_italian_phones_normalised_to_e164() -> None:
    text = "Tel. 02 1234 5678, cell. +39 333 123 4567, fax 0612345678."
    assert [e.value for e in find_phones(text)] == ["+390212345678", "+393331234567", "+390612345678"]


def test_english_phone_with_country_code() -> None:
    text = "Please call me on +44 20 7946 0958 or +1 202-555-0173 tomorrow."
    values = [e.value for e in find_phones(text)]
    assert "+442079460958" in values


def test_offsets_point_at_the_number() -> None:
    text = "Chiamare il numero 333 123 4567 in orario d'ufficio"
    (phone,) = find_phones(text)
    assert text[phone.start : phone.end] == phone.text == "333 123 4567"


def test_dates_amounts_and_invalid_numbers_are_not_phones() -> None:
    text = "Il 12/03/2024 abbiamo pagato € 1.234.567 e 3.456.789 euro; riferimento 1234567."
    assert find_phones(text) == []


def test_bare_digit_run_needs_a_cue() -> None:
    assert find_phones("codice articolo 0212345678 in magazzino") == []
    assert [e.value for e in find_phones("telefono 0212345678")] == ["+390212345678"]


def test_iban_digits_are_not_phones() -> None:
    code = iban_it()
    spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    assert find_phones(f"IBAN: {spaced} intestato a noi") == []


def test_date_and_hour_are_not_a_phone() -> None:
    assert find_phones("inviato il 05.11.18 08:30 dal sistema") == []


def test_phone_after_abbreviated_cue_and_in_parentheses() -> None:
    assert [e.text for e in find_phones("tel.02 1234 5678")] == ["02 1234 5678"]
    assert [e.value for e in find_phones("Ufficio (02) 1234 5678")] == ["+390212345678"]


def test_sentence_after_an_address_is_not_its_domain() -> None:
    found = find_emails("scrivere a info@example.it.Grazie, oppure sales@example.com.Thanks")
    assert [e.value for e in found] == ["info@example.it", "sales@example.com"]
