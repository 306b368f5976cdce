"""Sentiment: sign on clearly positive and negative Italian and English text, negation, range."""

from __future__ import annotations

import pytest

from nlp.sentiment import italian_lexicon, sentiment_score


@pytest.mark.parametrize(
    "text",
    [
        "Servizio eccellente, personale gentilissimo e molto professionale. Grazie di cuore!",
        "Sono davvero soddisfatta: consegna puntuale e prodotto perfetto.",
    ],
)
def test_positive_italian(text: str) -> None:
    assert sentiment_score(text, "it") > 0.3


@pytest.mark.parametrize(
    "text",
    [
        "Sono molto deluso: il prodotto è arrivato rotto e nessuno risponde. Vergognoso!",
        "Servizio pessimo, un disservizio inaccettabile.",
    ],
)
def test_negative_italian(text: str) -> None:
    assert sentiment_score(text, "it") < -0.3


def test_italian_negation_flips() -> None:
    assert sentiment_score("Il servizio è buono.", "it") > 0
    assert sentiment_score("Il servizio non è buono.", "it") < 0
    assert sentiment_score("Non sono per niente soddisfatto.", "it") < 0


def test_italian_intensifier_strengthens() -> None:
    assert sentiment_score("molto deluso", "it") < sentiment_score("deluso", "it") < 0


def test_positive_and_negative_english() -> None:
    assert sentiment_score("Great service, thank you so much! The team was wonderful.", "en") > 0.3
    assert sentiment_score("This is the worst experience ever. Terrible, useless support.", "en") < -0.3


def test_neutral_text_and_other_languages_score_zero() -> None:
    assert sentiment_score("Vi invio in allegato la fattura n. 118 del 12/03/2024.", "it") == 0.0
    assert sentiment_score("Das ist wirklich schlecht.", "de") == 0.0
    assert sentiment_score("", None) == 0.0


def test_score_stays_in_range() -> None:
    angry = "Vergognoso! Pessimo! Schifo! Truffa! " * 200
    assert -1.0 <= sentiment_score(angry, "it") < -0.5


def test_lexicon_is_shipped_and_readable() -> None:
    exact, stems = italian_lexicon()
    assert exact["grazie"] > 0
    assert stems["pessim"] < 0
