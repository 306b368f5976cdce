"""Language detection: Italian and English paragraphs, others, too-short text."""

from __future__ import annotations

import pytest

from nlp.language import detect_language

ITALIAN = (
    "Buongiorno, vi scrivo in merito alla fattura del mese scorso: l'importo indicato non "
    "corrisponde a quanto concordato con il vostro agente commerciale. Resto in attesa di un riscontro."
)
ENGLISH = (
    "Good morning, I am writing about last month's invoice: the amount shown does not match what "
    "we agreed with your sales agent. I look forward to hearing from you."
)


def test_italian_paragraph() -> None:
    assert detect_language(ITALIAN) == "it"


def test_english_paragraph() -> None:
    assert detect_language(ENGLISH) == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sehr geehrte Damen und Herren, anbei erhalten Sie die Rechnung für den Monat März.", "de"),
        ("Madame, Monsieur, veuillez trouver ci-joint la facture du mois de mars.", "fr"),
        ("Estimado cliente, le enviamos adjunta la factura correspondiente al mes de marzo.", "es"),
    ],
)
def test_other_languages_give_their_iso_code(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "ok", "12/03/2024 1.234,56", "mario@example.it"])
def test_too_little_text_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_short_business_phrases_prefer_italian_or_english() -> None:
    assert detect_language("Sollecito pagamento fattura scaduta") == "it"
    assert detect_language("Payment reminder for the overdue invoice") == "en"


def test_page_breaks_and_numbers_do_not_confuse_it() -> None:
    assert detect_language(ITALIAN + "\f" + "1 2 3 4 5 6 7 8 9 0 " * 50) == "it"
