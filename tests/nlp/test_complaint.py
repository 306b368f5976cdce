"""Complaint detection: formal and angry complaints (it/en) versus invoices and newsletters."""

from __future__ import annotations

import pytest

from nlp.complaint import COMPLAINT_THRESHOLD, complaint_probability, is_complaint
from nlp.sentiment import sentiment_score

COMPLAINTS = [
    (
        "it",
        "Reclamo ordine n. 5512",
        "Con la presente presento formale reclamo per la mancata consegna dell'ordine n. 5512.",
    ),
    (
        "it",
        "Diffida",
        "Con la presente vi diffidiamo dal proseguire gli addebiti e vi costituiamo in messa in mora "
        "per l'importo di € 1.234,56 entro quindici giorni.",
    ),
    (
        "it",
        "",
        "Sono furioso! Il prodotto è arrivato rotto, nessuno risponde al telefono e non ho ancora "
        "ricevuto il rimborso. Vergognoso, un disservizio inaccettabile.",
    ),
    (
        "en",
        "Formal complaint",
        "I am writing to complain about order #5512, which I have still not received. "
        "I request a full refund.",
    ),
    (
        "en",
        "",
        "This is absolutely unacceptable. Your product broke after two days, your support is useless "
        "and I want my money back.",
    ),
]
NOT_COMPLAINTS = [
    (
        "it",
        "Fattura n. 2024/118",
        "Gentile cliente, in allegato la fattura n. 2024/118 di € 1.234,56 con scadenza 30/04/2024. "
        "Il pagamento può essere effettuato tramite bonifico. Cordiali saluti.",
    ),
    (
        "en",
        "Invoice INV-2024-118",
        "Dear customer, please find attached invoice INV-2024-118 for $1,234.56, due on April 30, 2024. "
        "Kind regards.",
    ),
    (
        "it",
        "Le offerte della settimana",
        "Scopri le novità di primavera: 20% di sconto su tutto il catalogo! "
        "Per non ricevere più la newsletter clicca qui per disiscriverti.",
    ),
    (
        "en",
        "Our spring newsletter",
        "Discover our new collection with 20% off this week only. View in browser. Unsubscribe.",
    ),
    (
        "it",
        "Ringraziamenti",
        "Grazie mille per la rapidità: il problema è stato risolto, siamo molto soddisfatti.",
    ),
]


def _probability(language: str, subject: str, body: str) -> float:
    sentiment = sentiment_score(f"{subject}\n\n{body}", language)
    return complaint_probability(body, subject, sentiment)


@pytest.mark.parametrize(("language", "subject", "body"), COMPLAINTS)
def test_complaints_are_caught(language: str, subject: str, body: str) -> None:
    assert is_complaint(_probability(language, subject, body))


@pytest.mark.parametrize(("language", "subject", "body"), NOT_COMPLAINTS)
def test_invoices_newsletters_and_thanks_are_not_complaints(language: str, subject: str, body: str) -> None:
    assert not is_complaint(_probability(language, subject, body))


def test_formal_complaint_needs_no_emotional_words() -> None:
    body = "Si contesta formalmente la fattura n. 118 e si chiede il rimborso dell'importo addebitato."
    assert sentiment_score(body, "it") >= -0.3
    assert complaint_probability(body, "", 0.0) >= COMPLAINT_THRESHOLD


def test_subject_alone_can_carry_the_complaint() -> None:
    body = "Vi scrivo in merito all'ordine 5512 consegnato ieri."
    assert complaint_probability(body, "", 0.0) < COMPLAINT_THRESHOLD
    assert complaint_probability(body, "Reclamo", 0.0) >= COMPLAINT_THRESHOLD


def test_negative_sentiment_raises_the_probability() -> None:
    body = "Non ho ricevuto l'ordine."
    assert complaint_probability(body, "", -0.8) > complaint_probability(body, "", 0.0)


def test_probability_is_bounded() -> None:
    assert 0.0 < complaint_probability("", "", 0.0) < 0.1
    assert complaint_probability("reclamo diffida messa in mora rimborso " * 50, "Reclamo", -1.0) <= 1.0
