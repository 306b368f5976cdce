"""The type of a document: invoice, receipt, credit note, contract, letter, e-mail or other.

Decided from the text (the words each type prints: "Fattura", "Nota di
credito", "Scontrino", "Spett.le", "Il presente contratto"...), the fields
found (a receipt has a total and a date, rarely a VAT-registered customer) and
the layout (a receipt is a narrow strip of paper). E-mail and FatturaPA are
known from the MIME type and the invoice's own TipoDocumento.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["DOCUMENT_TYPES", "document_type"]

DOCUMENT_TYPES = ("invoice", "receipt", "credit_note", "contract", "letter", "email", "other")

_CREDIT_NOTE_CODES = ("TD04", "TD08")


def _cues(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)


_CUES: dict[str, re.Pattern[str]] = {
    "credit_note": _cues(r"nota\s+di\s+credito", r"credit\s+note", r"credit\s+memo", r"nota\s+credito"),
    "invoice": _cues(
        *[
            r"fattura",
            r"invoice",
            r"fatt\.",
            r"bill\s+to",
            r"fatturato\s+a",
            r"partita\s+iva",
            r"p\.\s?iva",
            r"imponibile",
            r"scadenza",
            r"payment\s+terms",
            r"due\s+date",
        ]
    ),
    "receipt": _cues(
        *[
            r"receipt",
            r"ricevuta",
            r"scontrino",
            r"documento\s+commerciale",
            r"cash",
            r"contanti",
            r"change",
            r"resto",
            r"thank\s+you",
            r"grazie",
            r"cashier",
            r"cassa",
            r"qty",
            r"rounding",
            r"subtotal",
            r"sub\s+total",
            r"tendered",
            r"visa",
            r"mastercard",
            r"bancomat",
        ]
    ),
    "contract": _cues(
        *[
            r"contratto",
            r"contract",
            r"agreement",
            r"tra\s+le\s+parti",
            r"between\s+the\s+parties",
            r"le\s+parti",
            r"the\s+parties",
            r"clausola",
            r"clause",
            r"articolo\s+\d",
            r"article\s+\d",
            r"sottoscritt\w+",
            r"hereby",
            r"whereas",
            r"premesso\s+che",
            r"recesso",
            r"termination",
        ]
    ),
    "letter": _cues(
        *[
            r"spett\.?\s?le",
            r"gentile",
            r"egregi[oa]",
            r"dear",
            r"cordiali\s+saluti",
            r"distinti\s+saluti",
            r"sincerely",
            r"yours\s+faithfully",
            r"best\s+regards",
            r"in\s+attesa",
            r"oggetto:",
            r"subject:",
        ]
    ),
}


def document_type(
    text: str,
    mime_type: str = "",
    metadata: Mapping[str, Any] | None = None,
    field_names: Sequence[str] = (),
    page_size: tuple[int, int] | None = None,
) -> str:
    """One of `DOCUMENT_TYPES` from the text, MIME type, metadata, key fields found and first page's size."""
    invoice = (metadata or {}).get("invoice")
    if isinstance(invoice, dict):
        return "credit_note" if str(invoice.get("document_type", "")) in _CREDIT_NOTE_CODES else "invoice"
    if isinstance((metadata or {}).get("invoice_batch"), dict):
        return "invoice"
    if mime_type.startswith("message/") or "outlook" in mime_type or (metadata or {}).get("email"):
        return "email"
    head = text[:6000]
    scores = {kind: len(pattern.findall(head)) for kind, pattern in _CUES.items()}
    has_money = "total" in field_names
    narrow = page_size is not None and page_size[0] > 0 and page_size[1] / page_size[0] >= 1.6
    if narrow and has_money:
        scores["receipt"] += 3
    if has_money and len(head) < 2500:
        scores["receipt"] += 1
    if "iban" in field_names or "due_date" in field_names:
        scores["invoice"] += 2
    if scores["credit_note"]:
        return "credit_note"
    if scores["invoice"] >= 2 and scores["invoice"] >= scores["receipt"] and has_money:
        return "invoice"
    if scores["receipt"] >= 3 and has_money:
        return "receipt"
    if scores["contract"] >= 3 and scores["contract"] >= scores["letter"]:
        return "contract"
    if scores["invoice"] >= 2 and has_money:
        return "invoice"
    if scores["letter"] >= 2:
        return "letter"
    if has_money and scores["receipt"] >= 1:
        return "receipt"
    return "other"
