"""The amount printed after a label: on the label's row, or at the start of the next one.

A receipt prints "TOTAL 10.00" on one row or "TOTAL" over "10.00", and OCR may
lose the decimal mark ("GRAND TOTAL 10 00"). The payment's labels (cash,
change), the rounding's and the tax's live here because the total, its checks
and the tax all read the amounts after them. A row without a digit, on it or
on the next row, has no amount to look for (`amount_near`), which spares the
amount patterns most rows of a letter or an e-mail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.fields.found import label, letter_share
from nlp.fields.layout import Row
from nlp.fields.values import Amount, find_amounts

__all__ = [
    "CASH",
    "CHANGE",
    "ROUNDING",
    "TAX_LABELS",
    "amount_after",
    "amount_near",
    "labelled_amounts",
    "with_digits",
]


TAX_LABELS = label(r"\b(total\s?(gst|tax|vat|iva)|totale\s?iva|iva\s?totale|imposta|gst|vat|iva|tax|sst)\b")
CASH = label(
    r"\b(cash|tunai|contanti|contante|tendered|accepted|paid|payment|pagato|visa|master\s?card|master|amex|edc|credit\s?card|"
    r"debit|bancomat|carta)\b"
    r"|^\W*pay(?=\s?:?\s?(?:rm|€|\$)?\s?\d)"  # "PAY 20.00" under "DUE 7.50" ("PAY PARKING" is an item)
)
CHANGE = label(r"\b(change|resto|baki|kembali)\b")
ROUNDING = label(r"\b(rounding|rounded\s?adj\w*|arrotondamento)\b")
# a row without a digit has no amount, date, VAT id, document number or IBAN of its own
_DIGIT = re.compile(r"\d")
_SPLIT_CENTS = re.compile(r"(?<![\d.,])(?P<whole>\d{1,6}) (?P<cents>\d{2})\s*$")


def with_digits(rows: Sequence[Row]) -> list[bool]:
    """Per row: whether it has a digit."""
    return [_DIGIT.search(row.text) is not None for row in rows]


def amount_near(rows: Sequence[Row], digits: Sequence[bool]) -> list[bool]:
    """Per row: whether `amount_after` can find an amount from it (a digit here or on the next row).

    `digits`: `with_digits` of `rows`.
    """
    below = [
        i + 1 < len(rows) and digits[i + 1] and rows[i + 1].page == row.page for i, row in enumerate(rows)
    ]
    return [here or next_row for here, next_row in zip(digits, below, strict=True)]


def amount_after(rows: Sequence[Row], index: int, offset: int) -> tuple[Row, Amount] | None:
    """The rightmost amount after `offset` on row `index`, else the first amount of the next row."""
    row = rows[index]
    after = [a for a in find_amounts(row.text) if a.start >= offset]
    with_decimals = [a for a in after if a.decimals or a.currency]
    if with_decimals:
        return row, with_decimals[-1]
    split = _SPLIT_CENTS.search(row.text, offset)
    if split:  # "GRAND TOTAL 10 00": OCR lost the decimal mark
        value = float(f"{split['whole']}.{split['cents']}")
        return row, Amount(value, "", True, split.start("whole"), split.end("cents"))
    if index + 1 < len(rows) and rows[index + 1].page == row.page:
        below_row = rows[index + 1]
        below = [a for a in find_amounts(below_row.text) if a.decimals]
        # the amount printed under its label, on a row that has no label of its own, or paid with it
        if below and (letter_share(below_row.text[: below[0].start]) < 0.5 or CASH.search(below_row.text)):
            return below_row, below[0]
    return None


def labelled_amounts(rows: Sequence[Row], near: Sequence[bool], label: re.Pattern[str]) -> list[float]:
    """The amounts printed after `label` (on its row, or under it), in page order, without sign."""
    found = []
    for index, row in enumerate(rows):
        if near[index] and (match := label.search(row.text)):
            after = amount_after(rows, index, match.end())
            if after is not None:
                found.append(abs(after[1].value))
    return found
