"""A small bilingual corpus for search by meaning: pairs that say the same thing in
Italian and English, in two sources, with embedded passages (done once per session)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from functools import lru_cache

from core.document import Document
from nlp.passages import embed_passages
from tests.conformance.corpus import make_document

__all__ = ["SEMANTIC_TEXTS", "semantic_corpus"]

# id: (source, language, date, pages). "Refund" documents are in both sources.
SEMANTIC_TEXTS: dict[str, tuple[str, str, datetime, list[str]]] = {
    "it-refund": (
        "shop",
        "it",
        datetime(2024, 3, 4, tzinfo=UTC),
        [
            "Gentile servizio clienti, vi scrivo per la terza volta.",
            "Ho restituito il pacco il 3 marzo e il rimborso non è ancora arrivato. "
            "Sono molto arrabbiato: rivoglio i miei soldi.",
        ],
    ),
    "en-refund": (
        "shop",
        "en",
        datetime(2024, 4, 2, tzinfo=UTC),
        [
            "I sent the parcel back a month ago and I am still waiting for my money back. "
            "This is unacceptable."
        ],
    ),
    "hr-refund": (
        "hr",
        "it",
        datetime(2024, 4, 9, tzinfo=UTC),
        ["Il rimborso delle spese di trasferta non è ancora arrivato, vi prego di restituirmi i soldi."],
    ),
    "it-invoice": (
        "shop",
        "it",
        datetime(2024, 1, 20, tzinfo=UTC),
        ["Fattura numero 118 per la fornitura di carta da ufficio. Pagamento a trenta giorni."],
    ),
    "en-invoice": (
        "shop",
        "en",
        datetime(2024, 2, 11, tzinfo=UTC),
        ["Invoice 2024-77 for the office paper supply. Payment due within thirty days."],
    ),
    "en-board": (
        "shop",
        "en",
        datetime(2024, 5, 5, tzinfo=UTC),
        ["Minutes of the board meeting: the budget for next year was approved. Lunch at noon."],
    ),
    "it-ferie": (
        "shop",
        "it",
        datetime(2024, 6, 1, tzinfo=UTC),
        ["Comunicazione al personale: l'ufficio resterà chiuso per ferie dal 10 al 24 agosto."],
    ),
    "en-delivery": (
        "shop",
        "en",
        datetime(2024, 6, 20, tzinfo=UTC),
        ["Your order has been shipped and will be delivered on Tuesday by our courier."],
    ),
}


@lru_cache(maxsize=1)
def _embedded() -> tuple[Document, ...]:
    docs = []
    for doc_id, (source, language, date, pages) in SEMANTIC_TEXTS.items():
        doc = make_document(doc_id, pages, title=doc_id, language=language, date=date)
        doc.source = source
        docs.append(doc)
    embed_passages(docs)
    return tuple(docs)


def semantic_corpus() -> list[Document]:
    """Fresh copies of the corpus, passages embedded."""
    return copy.deepcopy(list(_embedded()))
