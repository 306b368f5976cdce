"""The rules that find each key field in the rows of a document.

Every rule looks for a label ("TOTAL", "Totale", "Data", "P.IVA"...) and takes
the value printed after it on the same row, or at the start of the next row;
labels and values are in Italian and English. Rules that have no label to go
by (the supplier: the name printed at the top; the currency: the sign printed
most) say so with a lower confidence. Scanned receipts are read by OCR, so the
rules expect its errors. One module per field or concern:

- `nlp.fields.dates`: the document's date and the due date;
- `nlp.fields.total`: the amount to pay, checked by arithmetic in
  `nlp.fields.total_checks` (cash minus change, sub-total plus tax, items
  adding up), reading amounts after labels (`nlp.fields.labelled_amounts`);
- `nlp.fields.tax`: the VAT/GST amount;
- `nlp.fields.supplier`: the company's name at the top, ending at its legal
  form (`nlp.fields.legal_form`);
- `nlp.fields.identifiers`: the document's number, the VAT id, the IBAN;
- here: the currency, and `find_all`, which runs them all.

The rules were written on the SROIE development receipts only (bench/fields.py
--sroie), never on the evaluation ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.fields.dates import dates_of
from nlp.fields.found import Found
from nlp.fields.identifiers import iban_of, number_of, vat_of
from nlp.fields.labelled_amounts import amount_near, with_digits
from nlp.fields.layout import Row
from nlp.fields.supplier import supplier_of
from nlp.fields.tax import tax_of
from nlp.fields.total import total_of
from nlp.fields.values import find_amounts

__all__ = ["Found", "find_all"]


def _currency(rows: Sequence[Row], near_total: str) -> Found | None:
    if near_total:
        return Found("currency", near_total, near_total, 0.8, None)
    counts: dict[str, int] = {}
    for row in rows:
        for amount in find_amounts(row.text):  # nothing for a row without a digit
            if amount.currency:
                counts[amount.currency] = counts.get(amount.currency, 0) + 1
    if not counts:
        return None
    code = max(counts, key=lambda c: counts[c])
    return Found("currency", code, code, 0.6, None)


def find_all(rows: Sequence[Row], min_supplier_confidence: float = 0.0) -> list[Found]:
    """Every key field the rules find in `rows` (a field not found is absent).

    A supplier found with a confidence below `min_supplier_confidence` is absent too.
    """
    found: list[Found | None] = []
    # most rows of a letter or an e-mail have no digit: no amount, date, VAT id, number or IBAN
    digits = with_digits(rows)
    near = amount_near(rows, digits)
    total, total_currency = total_of(rows, near)
    doc_date, due_date = dates_of(rows)
    found += [doc_date, due_date, total, supplier_of(rows, min_supplier_confidence)]
    found += [vat_of(rows, digits), number_of(rows, digits), iban_of(rows, digits)]
    found.append(tax_of(rows, float(total.value) if total else None, near))
    found.append(_currency(rows, total_currency))
    return [f for f in found if f is not None]
