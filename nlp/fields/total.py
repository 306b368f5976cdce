"""The amount to pay: the amount after the strongest total label, checked by arithmetic.

A total label is weighed ("GRAND TOTAL" over "TOTAL", which OCR may read
"TOTAI" or "T0TAL"); rows that only look like one are no candidate: the
sub-total, the tax, the change, a row of the tax summary ("Total 6%
supplies") or a note of the tax included in parentheses. The candidates are
then ranked and, where they disagree with what the receipt adds up to,
replaced (`nlp.fields.total_checks`). The currency printed beside the total
goes with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.fields.found import Found, label
from nlp.fields.labelled_amounts import CASH, ROUNDING, amount_after
from nlp.fields.layout import Row
from nlp.fields.total_checks import (
    added_up,
    amount_paid,
    cash_without_change,
    no_change,
    one_digit_apart,
    printed_amount,
    rounded_below,
    sum_of_items,
    with_lost_digits,
)
from nlp.fields.values import Amount

__all__ = ["total_of"]


# label -> weight; the strongest labelled amount wins, then the larger amount
_TOTAL_LABELS: list[tuple[re.Pattern[str], float]] = [
    (
        label(
            r"\b(grand\s?total|total\s?\(?(amount|due|payable|incl\w*|inclusive|rounded|sales\s?\(?incl\w*)|"
            r"(amount|amt)\.?\s?paid\s?\(?incl\w*|^\W*due(?=\s?:?\s?(rm|€|\$)?\s?\d)|"
            r"nett?\s?total|rounded\s?total|after\s?rounding|(amount|amt)\.?\s?due|balance\s?due|totale\s?(documento|fattura|"
            r"complessivo|euro|eur|da\s?pagare|generale|dovuto)|importo\s?(totale|da\s?pagare|dovuto)|"
            r"netto\s?a\s?pagare|da\s?pagare)\b"
        ),
        3.0,
    ),
    # OCR reads the L of TOTAL as I, 1, ] or !, the O as 0, U or A, the first T as F
    (label(r"\b([tf][o0ua]ta[l1i|\]!]|totale|tot\.?|jumlah|importo|amount)(?![a-z])"), 2.0),
]
_NOT_TOTAL = label(
    r"\b(sub\s?-?\s?total\w*|subtot\w*|imponibile|total\s?(qty|quantity|item|items|disc\w*|savings?|"
    r"gst|tax|vat|iva|excl\w*|before|points?|weight|pcs|tendered)|totale\s?(iva|imponibile|pezzi|articoli)|"
    r"(gst|tax|vat|iva)\s?(amount|total)|change|cash|tendered|accepted|rounding|discount|sconto|resto|summary|"
    r"riepilogo)\b"
)
# "Total 6% supplies (excl. GST)", "Total 0% supplies": a row of the tax summary, not the amount to pay
_SUPPLIES = label(r"\bsuppl(?:y|ies)\b")
# "(Total Included GST 6%: 1.42)": a note in parentheses of the tax included, not the amount to pay
_TAX_NOTE = label(r"^\W{0,3}\(.*\b(gst|tax|vat|iva)\b")
# "DESCRIPTION AMOUNT", "QTY ITEM TOTAL": the head of the items' columns; the amount under it is an item's
_COLUMN_NAMES = frozenset(
    {
        "description", "desc", "item", "items", "qty", "quantity", "price", "u.price", "unit", "u/price",
        "code", "disc", "no.", "descrizione", "articolo", "quantità", "qta", "q.tà", "prezzo", "cod.",
        "codice", "um",
    }
)  # fmt: skip


def _column_head(text: str, label_start: int) -> bool:
    """True when the words before a label are column names and the row prints no digit."""
    before = [w.strip("()[]:|").casefold() for w in text[:label_start].split()]
    return bool(before) and all(w in _COLUMN_NAMES for w in before) and not any(ch.isdigit() for ch in text)


def total_of(rows: Sequence[Row], near: Sequence[bool]) -> tuple[Found | None, str]:
    """The amount to pay: the strongest labelled amount, checked against what was paid.

    Candidates are amounts after a total label. Among them, the one equal to
    the cash handed over minus the change is what was paid; a total printed
    just below a rounding line is the rounded amount paid; then the stronger
    label, then the larger amount (a total with tax is larger than without).
    """
    candidates: list[tuple[float, float, int, Row, Amount]] = []
    for index, row in enumerate(rows):
        if not near[index]:
            continue  # a label without an amount is no candidate
        for pattern, weight in _TOTAL_LABELS:
            match = pattern.search(row.text)
            if match is None:
                continue
            excluded = _NOT_TOTAL.search(row.text)
            if (
                (excluded and excluded.start() <= match.start() + 3)
                or _SUPPLIES.search(row.text)
                or _TAX_NOTE.search(row.text)
                or _column_head(row.text, match.start())
            ):
                break
            found = amount_after(rows, index, match.end())
            if found is not None and found[1].value > 0:
                candidates.append((weight, found[1].value, index, *found))
            break
    paid, exact = amount_paid(rows, near)
    settled = paid is not None and no_change(rows, near)
    if paid is not None:
        exact = None
    if not candidates:
        # what was paid, or the cash handed over when no change is given, printed on another row too
        due = paid if paid is not None else exact
        printed = printed_amount(rows, due) if due is not None else None
        if printed is None:
            return sum_of_items(rows, paid if paid is not None else cash_without_change(rows, near)), ""
        row, amount = printed
        text = row.text[amount.start : amount.end]
        return Found(
            "total", f"{amount.value:.2f}", text, 0.6, row.box(amount.start, amount.end)
        ), amount.currency
    rounding = [i for i, row in enumerate(rows) if ROUNDING.search(row.text)]
    # the same amount after two different total labels ("TOTAL AMOUNT 8.60", "NETT TOTAL 8.60") is
    # twice as sure; a summary row printed twice ("TOTAL 0% SUPPLIES: 39.01") is one label
    labels: dict[int, set[str]] = {}
    for candidate in candidates:
        row = rows[candidate[2]]
        before = row.text[: candidate[4].start] if candidate[3] is row else row.text
        label = "".join(ch for ch in before.casefold() if ch.isalpha())
        labels.setdefault(round(candidate[1] * 100), set()).add(label)
    agreeing = {cents: len(found) for cents, found in labels.items()}

    def rank(candidate: tuple[float, float, int, Row, Amount]) -> tuple[float, float]:
        weight, value, index = candidate[0], candidate[1], candidate[2]
        if paid is not None and abs(value - paid) < 0.005:
            weight += 2.0
        elif exact is not None and abs(value - exact) < 0.005:
            weight += 1.5  # "TOTAL: 38.00", "CASH: 38.00" and no change: a "TOTAL INCL. 38.90" was misread
        if any(0 < index - r <= 3 for r in rounding):
            weight += 1.0
        if agreeing[round(value * 100)] >= 2:
            weight += 1.0
        return weight, value

    weight, value, index, row, amount = max(candidates, key=rank)
    if CASH.search(rows[index].text) and (whole := with_lost_digits(rows, near, value)) is not None:
        # "Sub Total 42.40", "Amount Paid : 2.40", "Change 0.00": the payment agrees with itself only
        text = f"{whole:.2f}"
        return Found("total", text, text, 0.7, row.box(amount.start, amount.end)), amount.currency
    confidence = 0.9 if weight >= 3 else 0.75
    if paid is not None and abs(value - paid) < 0.005:
        confidence = 0.95
    elif agreeing[round(value * 100)] >= 2:
        confidence = 0.9  # two labels agree: a cash or change amount that disagrees was misread
    elif settled and paid is not None and weight < 3:
        # "CHANGE 0.00": the cash handed over is the amount to pay; a total after a misread label
        # ("TOTAI") that disagrees was misread too (one after a full label is trusted over the cash)
        text = f"{paid:.2f}"
        return Found("total", text, text, 0.7, rows[index].box(0, len(rows[index].text))), amount.currency
    elif paid is not None and one_digit_apart(value, paid) and added_up(rows, near, paid):
        # "Sub-Total 45.70", "Coupon Discount 14.80", "Grand Total 30.50", "Payment 101.00", "Change 70.10"
        text = f"{paid:.2f}"  # two sums agree on 30.90: the total's digit was misread
        return Found("total", text, text, 0.8, row.box(amount.start, amount.end)), amount.currency
    elif paid is not None and (printed := printed_amount(rows, paid)) is not None:
        row, amount = printed  # the labels missed it (or OCR garbled them), but what was paid is printed
        value, confidence = paid, 0.7
    elif paid is not None and row is not rows[index] and CASH.search(row.text):
        # "TOTAL" with its amount lost, then "CASH 100.00", "CHANGE 24.30": what was paid, not the cash
        text = f"{paid:.2f}"
        return Found("total", text, text, 0.6, rows[index].box(0, len(rows[index].text))), amount.currency
    elif (rounded := rounded_below(rows, index, value, rounding)) is not None:
        row, amount = rounded
        value = amount.value
    elif (exact is None or abs(value - exact) >= 0.005) and (
        whole := with_lost_digits(rows, near, value)
    ) is not None:
        # "SUB-TOTAL 26.00", "TAX 1.56", "ROUNDING -0.01", "TOTAL 7.55": 27.55; not when the cash handed
        # over, no change given, is the total too ("Sub Total 7 489.30" read with a speck, "Cash 489.30")
        text = f"{whole:.2f}"
        return Found("total", text, text, 0.7, row.box(amount.start, amount.end)), amount.currency
    text = row.text[amount.start : amount.end]
    return Found(
        "total", f"{value:.2f}", text, confidence, row.box(amount.start, amount.end)
    ), amount.currency
