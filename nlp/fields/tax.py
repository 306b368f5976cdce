"""The tax (VAT, GST, IVA) amount: after a tax label, below the total.

A label naming the tax's number ("P.IVA", "GST ID"), the kind of invoice ("TAX
INVOICE") or prices with or without it ("incl.", "excl.", "exempt") is no tax
amount; a total tax label ("TOTAL GST", "Totale IVA", "Imposta") wins over a
bare one.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.fields.found import Found, label
from nlp.fields.labelled_amounts import TAX_LABELS, amount_after
from nlp.fields.layout import Row

__all__ = ["tax_of"]


_NOT_TAX = label(r"\b(p\.?\s?iva|partita|gst\s?(id|reg\w*|no)|vat\s?(no|number|reg\w*|id)|tax\s?invoice|"
                  r"incl\w*|excl\w*|exempt|esente)\b")  # fmt: skip


def tax_of(rows: Sequence[Row], total: float | None, near: Sequence[bool]) -> Found | None:
    best: tuple[int, Found] | None = None
    for index, row in enumerate(rows):
        if not near[index]:
            continue
        match = TAX_LABELS.search(row.text)
        if match is None or _NOT_TAX.search(row.text):
            continue
        found = amount_after(rows, index, match.end())
        if found is None:
            continue
        at, amount = found
        if amount.value <= 0 or (total is not None and amount.value >= total):
            continue
        strong = 1 if match.group(0).lower().startswith(("total", "totale", "iva tot", "imposta")) else 0
        printed = at.text[amount.start : amount.end]
        box = at.box(amount.start, amount.end)
        candidate = Found("tax", f"{amount.value:.2f}", printed, 0.6 + 0.2 * strong, box)
        if best is None or strong > best[0]:
            best = (strong, candidate)
    return best[1] if best else None
