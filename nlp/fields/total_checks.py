"""The total checked by arithmetic: what was paid, and what the receipt's amounts add up to.

OCR misreads the total's digits as readily as any other, so the amount after a
total label is checked against the other amounts printed: the cash handed over
minus the change (`amount_paid`), the cash alone when the change is zero or
not printed (`no_change`, `cash_without_change`), a total rounded to 5 cents
under a rounding row (`rounded_below`), and a total below the sub-total whose
digits end what the sub-total, tax and rounding add up to: its leading digits
were lost (`with_lost_digits`). A total one digit away from what was paid, when the
sub-total less the discount (plus tax, rounding) adds up to what was paid too, had
that digit misread (`one_digit_apart`, `added_up`). With no total label at all, the item amounts
that add up to what was paid, or to an unlabelled amount under them, give the
total (`sum_of_items`).
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.fields.found import Found, label
from nlp.fields.labelled_amounts import CASH, CHANGE, ROUNDING, TAX_LABELS, amount_after, labelled_amounts
from nlp.fields.layout import Row
from nlp.fields.values import Amount, find_amounts

__all__ = [
    "added_up",
    "amount_paid",
    "cash_without_change",
    "no_change",
    "printed_amount",
    "rounded_below",
    "sum_of_items",
    "with_lost_digits",
]


def amount_paid(rows: Sequence[Row], near: Sequence[bool]) -> tuple[float | None, float | None]:
    """Cash handed over minus the change given back, when a receipt prints both; and the cash handed
    over on its own row when no change is printed (the exact amount was paid).

    `near`: `amount_near` of `rows` (a cash or change label without an amount near it is no payment).
    """
    cash = change = cash_here = None
    for index, row in enumerate(rows):
        if not near[index]:
            continue
        if change is None and (match := CHANGE.search(row.text)):
            found = amount_after(rows, index, match.end())
            change = found[1].value if found else None
        elif cash is None and (match := CASH.search(row.text)):
            found = amount_after(rows, index, match.end())
            cash = found[1].value if found else None
            # on its own row, or on the next one with a cash label of its own ("Payment", "Cash 489.30")
            cash_here = cash if found and (found[0] is row or CASH.search(found[0].text)) else None
    exact = cash_here if cash_here is not None and change is None else None
    if cash is None or change is None or change < 0 or cash - change <= 0:
        return None, exact
    return round(cash - change, 2), exact


def no_change(rows: Sequence[Row], near: Sequence[bool]) -> bool:
    """True when the receipt prints a change of zero ("CHANGE 0.00"): the exact amount was paid."""
    for index, row in enumerate(rows):
        if near[index] and (match := CHANGE.search(row.text)):
            found = amount_after(rows, index, match.end())
            return found is not None and found[1].decimals and found[1].value == 0
    return False


def cash_without_change(rows: Sequence[Row], near: Sequence[bool]) -> float | None:
    """The cash handed over (on its row or under it) when the receipt prints no change."""
    if any(CHANGE.search(row.text) for row in rows):
        return None
    cash = labelled_amounts(rows, near, CASH)
    return cash[0] if cash else None


def printed_amount(rows: Sequence[Row], value: float) -> tuple[Row, Amount] | None:
    """The first amount equal to `value` on a row that is not the cash or change row."""
    for row in rows:
        if CASH.search(row.text) or CHANGE.search(row.text):
            continue
        for amount in find_amounts(row.text):
            if amount.decimals and abs(amount.value - value) < 0.005:
                return row, amount
    return None


def rounded_below(
    rows: Sequence[Row], index: int, value: float, rounding: Sequence[int]
) -> tuple[Row, Amount] | None:
    """The total rounded to 5 cents, printed within three rows after a rounding line below the total."""
    for start in (r for r in rounding if r > index):
        for row in rows[start : start + 4]:
            for amount in find_amounts(row.text):
                cents = round(amount.value * 100)
                if amount.decimals and cents % 5 == 0 and 0 < abs(amount.value - value) < 0.05:
                    return row, amount
    return None


_SUBTOTAL = label(r"\b(sub\s?-?\s?total\w*|subtot\w*)")


def with_lost_digits(rows: Sequence[Row], near: Sequence[bool], value: float) -> float | None:
    """The total whose leading digits OCR lost, when what the receipt adds up to ends as `value` does.

    A total below the sub-total is misread (a discount is printed as such): the sub-total, plus the
    tax, plus or minus the rounding, that ends in the same digits ("26.00 + 1.56 - 0.01" and
    "TOTAL 7.55") is the total. None without a sub-total above `value`, or with a discount.
    """
    subtotals = labelled_amounts(rows, near, _SUBTOTAL)
    if not subtotals or any(_DISCOUNT.search(row.text) and _amount_near_value(row) for row in rows):
        return None
    taxes = [0.0, *labelled_amounts(rows, near, TAX_LABELS)]
    roundings = [0.0, *labelled_amounts(rows, near, ROUNDING)]
    printed = f"{value:.2f}"
    for subtotal in subtotals:
        if subtotal <= value:
            continue
        for tax in taxes:
            for adjust in roundings:
                for whole in (subtotal + tax + adjust, subtotal + tax - adjust):
                    digits = f"{whole:.2f}"
                    if len(digits) > len(printed) and digits.endswith(printed):
                        return round(whole, 2)
    return None


_DISCOUNT = label(r"\b(disc\w*|coupon|voucher|less|sconto|promo\w*|savings?)\b")


def _amount_near_value(row: Row) -> bool:
    """True when a row prints a non-zero amount."""
    return any(a.value != 0 for a in find_amounts(row.text))


def sum_of_items(rows: Sequence[Row], paid: float | None) -> Found | None:
    """With no total label: what was paid when two or more amounts printed in a row above the payment add
    up to it (`paid`: cash - change, or the cash when no change is printed); else the last unlabelled
    amount that is the sum of two or more amounts printed right above it.

    "RM26,00", "RM13,00", "Cash RM50.00", "Change RM11.00": 39.00; "RM 149.00", "RM 21.00", "CASH",
    "RM 170. 00": 170.00.
    """
    column: list[tuple[int, Row, Amount]] = []  # the rightmost amount of each row before the payment
    for row in rows:
        if CASH.search(row.text) or CHANGE.search(row.text) or len(column) >= _MOST_ITEMS:
            break
        amounts = [a for a in find_amounts(row.text) if a.decimals and a.value > 0]
        if amounts:
            column.append((round(amounts[-1].value * 100), row, amounts[-1]))
    prefix = [0]
    for cents, _, _ in column:
        prefix.append(prefix[-1] + cents)
    starts: set[int] = set()  # sums of the amounts before each possible first item of a run
    summed: tuple[Row, Amount] | None = None
    for end in range(2, len(prefix)):
        starts.add(prefix[end - 2])
        if paid is not None and prefix[end] - round(paid * 100) in starts:
            text = f"{paid:.2f}"
            return Found("total", text, text, 0.5, None)
        last, row, amount = column[end - 1]
        run = prefix[end - 1] - last  # the sum before a run of two or more amounts ending above it
        if paid is None and end >= 3 and run != prefix[end - 2] and run in starts:
            summed = row, amount
    if summed is None:
        return None
    row, amount = summed
    return Found("total", f"{amount.value:.2f}", row.text[amount.start : amount.end], 0.5,
                 row.box(amount.start, amount.end))  # fmt: skip


_MOST_ITEMS = 200  # a receipt's items; a long document is not added up


def one_digit_apart(first: float, second: float) -> bool:
    """True when two amounts print with as many characters and differ in one digit ("30.50", "30.90"),
    not the last: "38.37" and "38.35" are a total and the amount paid after rounding."""
    a, b = f"{first:.2f}", f"{second:.2f}"
    return len(a) == len(b) and a[-1] == b[-1] and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def added_up(rows: Sequence[Row], near: Sequence[bool], value: float) -> bool:
    """True when a sub-total, less a discount, plus a tax, plus or minus a rounding printed on the page,
    comes to `value` ("Sub-Total 45.70", "Coupon Discount 14.80": 30.90)."""
    subtotals = labelled_amounts(rows, near, _SUBTOTAL)
    if not subtotals:
        return False
    discounts = [0.0, *labelled_amounts(rows, near, _DISCOUNT)]
    taxes = [0.0, *labelled_amounts(rows, near, TAX_LABELS)]
    roundings = [0.0, *labelled_amounts(rows, near, ROUNDING)]
    return any(
        abs(subtotal - discount + tax + sign * adjust - value) < 0.005
        for subtotal in subtotals
        for discount in discounts
        for tax in taxes
        for adjust in roundings
        for sign in (1, -1)
    )
