"""Key fields of invoices and receipts, and the type of a document.

`extract_fields(pages_text, layouts, metadata)` returns `KeyField`s with the
same names for every invoice, receipt or credit note, scanned or digital:

| name | value |
|---|---|
| ``doc_date`` | the document's date, ISO ``2024-03-12`` |
| ``supplier`` | the supplier's name as printed |
| ``supplier_vat`` | the supplier's VAT id (``IT01234567890`` for a valid P.IVA) |
| ``number`` | the invoice or receipt number |
| ``total`` | the amount to pay, ``1234.56`` |
| ``currency`` | ISO code (``EUR``, ``MYR``…), when printed |
| ``tax`` | the VAT/GST amount, ``12.34`` |
| ``due_date`` | the payment due date, ISO |
| ``iban`` | the IBAN to pay to (check digits valid) |

Each field has a confidence (0–1), the text it was read from and, for a
scan, its box on the page image. A FatturaPA e-invoice keeps the exact
values of its XML (confidence 1). Scans are read from the OCR words' boxes
(`nlp.fields.layout`); other text line by line. See `nlp.fields.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nlp.fields.doctype import DOCUMENT_TYPES, document_type
from nlp.fields.fatturapa import invoice_fields
from nlp.fields.layout import Box, PageWords, Row, WordLike, rows_from_text, rows_from_words
from nlp.fields.model import FIELD_NAMES, KeyField, fields_from_dicts, fields_to_dicts
from nlp.fields.rules import find_all

__all__ = [
    "DOCUMENT_TYPES",
    "FIELD_NAMES",
    "Box",
    "KeyField",
    "PageWords",
    "WordLike",
    "document_type",
    "extract_fields",
    "fields_from_dicts",
    "fields_to_dicts",
]


def extract_fields(
    pages_text: Sequence[str],
    layouts: Mapping[int, PageWords] | None = None,
    metadata: Mapping[str, Any] | None = None,
    min_supplier_confidence: float = 0.0,
) -> list[KeyField]:
    """The key fields of a document from its pages' text, its OCR words by page number, its metadata.

    A supplier read with a confidence below `min_supplier_confidence` is left out (and the
    rules do not look for one that could only be guessed so).
    """
    invoice = (metadata or {}).get("invoice")
    if isinstance(invoice, dict):
        return _confident(invoice_fields(invoice), min_supplier_confidence)
    batch = (metadata or {}).get("invoice_batch")
    if isinstance(batch, dict):  # a FatturaPA lot: each invoice is a child; the supplier is shared
        shared = invoice_fields({"supplier": batch.get("supplier")})
        return _confident([f for f in shared if f.name.startswith("supplier")], min_supplier_confidence)
    rows: list[Row] = []
    layouts = layouts or {}
    for number, text in enumerate(pages_text, start=1):
        page = layouts.get(number)
        rows += rows_from_words(page) if page is not None and page.words else rows_from_text(text, number)
    return [
        KeyField(f.name, f.value, f.text, f.confidence, f.box, "layout" if f.box else "text")
        for f in find_all(rows, min_supplier_confidence)
    ]


def _confident(fields: list[KeyField], min_supplier_confidence: float) -> list[KeyField]:
    return [f for f in fields if f.name != "supplier" or f.confidence >= min_supplier_confidence]
