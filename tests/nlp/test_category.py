"""Category: one example per category in Italian or English, and the complaint override."""

from __future__ import annotations

import pytest

from nlp.category import CATEGORIES, categorize


@pytest.mark.parametrize(
    ("subject", "text", "category"),
    [
        (
            "",
            "Vorrei sapere quali sono gli orari di apertura del vostro ufficio. È possibile passare sabato?",
            "information_request",
        ),
        ("Question", "Could you please tell me how I can change my delivery address?", "information_request"),
        (
            "Fattura n. 118",
            "In allegato la fattura con scadenza a 30 giorni. Pagamento tramite bonifico.",
            "invoice_payment",
        ),
        (
            "Payment reminder",
            "Invoice INV-118 is overdue; please arrange payment by bank transfer.",
            "invoice_payment",
        ),
        (
            "Conferma d'ordine",
            "Il vostro ordine è stato spedito: il corriere effettuerà la consegna domani.",
            "order_delivery",
        ),
        (
            "",
            "Your order has shipped. Tracking number 1Z999 with the courier; delivery expected Monday.",
            "order_delivery",
        ),
        (
            "Contratto di fornitura",
            "Vi inviamo il contratto firmato; la clausola 7 disciplina il recesso.",
            "contract_legal",
        ),
        (
            "",
            "Please review the attached agreement; our lawyer flagged the termination clause.",
            "contract_legal",
        ),
        (
            "Newsletter di marzo",
            "Scopri le novità! 20% di sconto. Per disiscriverti clicca qui.",
            "newsletter_marketing",
        ),
        (
            "",
            "Special offer: 30% off this weekend only. Unsubscribe | View in browser",
            "newsletter_marketing",
        ),
        ("", "Ciao, ci vediamo domani alle dieci.", "other"),
    ],
)
def test_categories(subject: str, text: str, category: str) -> None:
    assert categorize(text, subject, 0.1) == category


def test_a_complaint_is_a_complaint_whatever_it_mentions() -> None:
    assert categorize("In allegato la fattura e il contratto.", "", 0.9) == "complaint"


def test_every_result_is_a_known_category() -> None:
    assert set(CATEGORIES) == {
        "complaint",
        "information_request",
        "invoice_payment",
        "order_delivery",
        "contract_legal",
        "newsletter_marketing",
        "other",
    }
