"""The embedding classifier: shipped weights load, labels make sense in Italian and English."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.annotate import annotate_text, classified
from nlp.classifier import LEXICON_SHARE, SHIPPED_WEIGHTS, Prediction, load_weights, stored_sentiment
from nlp.embedding import MAX_CHARS, encoder_input

EXAMPLES = [
    # (subject, text, complaint, category)
    (
        "Contestazione fattura 2024/331",
        "Spett.le Ditta,\ncontesto formalmente l'importo della fattura n. 2024/331: "
        "la tariffa applicata non è quella concordata nel contratto. "
        "Chiedo l'emissione di una nota di credito.\nDistinti saluti",
        True,
        "complaint",
    ),
    (
        "",
        "I am furious. The parcel arrived smashed, nobody answers the phone and I want my money back now.",
        True,
        "complaint",
    ),
    (
        "Fattura n. 118",
        "Buongiorno,\nin allegato la fattura n. 118 del 3 marzo di € 1.250,00. "
        "Pagamento a 30 giorni con bonifico.\nCordiali saluti",
        False,
        "invoice_payment",
    ),
    (
        "Your order has shipped",
        "Good news: your order 55120 has been dispatched and will be delivered on Thursday. "
        "Tracking number 1Z999.",
        False,
        "order_delivery",
    ),
    (
        "Newsletter di maggio",
        "Scopri le novità di maggio: sconti fino al 30% su tutto il catalogo e un webinar gratuito. "
        "Per non ricevere più questa newsletter clicca qui.",
        False,
        "newsletter_marketing",
    ),
    (
        "Information request",
        "Hello, could you tell me whether your price list for 2025 is available "
        "and what the minimum order is? Thank you.",
        False,
        "information_request",
    ),
]


def test_shipped_weights_load() -> None:
    assert SHIPPED_WEIGHTS.is_file() and SHIPPED_WEIGHTS.stat().st_size < 200_000
    weights = load_weights()
    assert weights.w_category.shape[1] == 7 and weights.w_complaint.shape[1] == 2
    assert load_weights() is weights  # cached


@pytest.mark.parametrize(("subject", "text", "complaint", "category"), EXAMPLES)
def test_sensible_labels(subject: str, text: str, complaint: bool, category: str) -> None:
    annotations = annotate_text(text, subject)
    assert annotations.complaint is complaint, annotations
    assert annotations.category == category, annotations
    assert 0.0 <= annotations.complaint_probability <= 1.0
    assert -1.0 <= annotations.sentiment <= 1.0


def test_angry_text_is_negative_and_thanks_positive() -> None:
    angry = annotate_text("Vergognoso! Il servizio è pessimo e nessuno risponde. Sono furioso.")
    happy = annotate_text("Grazie mille per la splendida accoglienza, il vostro team è stato eccezionale!")
    assert angry.sentiment < -0.2 < 0.2 < happy.sentiment


def test_encoder_sees_only_the_head() -> None:
    long_text = "Prima frase. " + "Riga di contratto numero tale. " * 5000
    head = encoder_input(long_text, "Oggetto importante")
    assert head.startswith("Oggetto importante Prima frase.")
    assert len(head) <= MAX_CHARS


def test_the_stage_stores_the_blend_of_lexicon_and_head() -> None:
    """One blend (`stored_sentiment`) serves the stored sentiment and the Italian rule's tone."""
    assert stored_sentiment(0.2, -0.6) == LEXICON_SHARE * 0.2 + (1 - LEXICON_SHARE) * -0.6
    prediction = Prediction(0.1, False, False, "other", {}, sentiment=-0.6)
    assert classified("ok", "", "en", 0.2, prediction).sentiment == round(stored_sentiment(0.2, -0.6), 4)
    assert classified("ok", "", "fr", 0.2, prediction).sentiment == 0.0  # no head for other languages
    rows = stored_sentiment(np.array([0.2, -1.0]), np.array([-0.6, 1.0]))
    assert rows.tolist() == [stored_sentiment(0.2, -0.6), stored_sentiment(-1.0, 1.0)]
