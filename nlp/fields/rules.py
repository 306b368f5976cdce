"""The rules that find each key field in the rows of a document.

Every rule looks for a label ("TOTAL", "Totale", "Data", "P.IVA"...) and takes
the value printed after it on the same row, or at the start of the next row;
labels and values are in Italian and English. Rules that have no label to go
by (the supplier: the name printed at the top; the currency: the sign printed
most) say so with a lower confidence.

Scanned receipts are read by OCR, so the rules expect its errors: dates are
found with `find_ocr_dates` (a repaired date loses to one read as printed);
the total is checked against the cash paid minus the change, against the cash
alone when no change is printed, and against a second total label printing
the same amount; the supplier's legal form is put right however OCR read it
("SDN BID", "5/B", "(N) SDN BHD"), a name cut after "&" is joined with the next
row, and a misread word of the name is corrected from the same word printed
at least twice elsewhere on the page, and its business words ("HART" → "MART") are put
right (`nlp.fields.names`). A printed "CHANGE 0.00" makes the cash the total over one read
after a misread label; rows of the tax summary ("Total 6% supplies") are no total; a
date that can only be read month first loses to a day-first one. A total below the sub-total
(no discount printed) whose digits end what the sub-total, tax and rounding add up to lost its
leading digits; with no name-like row holding a legal form, the name in capitals right above the
registration row ("(81109-A)", "Co. Reg. No", "GST ID") is the supplier when no address is printed
above it; a date read with a two-digit year loses to the same day and month printed with four
digits, and after a date label "05- 05 18" (a separator lost) is a date when the page has no
other. The rules were written on the SROIE development receipts only (bench/fields.py --sroie),
never on the evaluation ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from stdnum import iban as std_iban
from stdnum.it import iva as std_iva

from core.clock import now
from nlp.fields.layout import Box, Row
from nlp.fields.names import corrected_name, one_letter_apart
from nlp.fields.values import Amount, find_amounts, find_ocr_dates

__all__ = ["Found", "find_all"]


@dataclass(frozen=True)
class Found:
    """A field value found by a rule: normalised value, text as printed, confidence 0–1, box."""

    name: str
    value: str
    text: str
    confidence: float
    box: Box | None


def _label(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# label -> weight; the strongest labelled amount wins, then the larger amount
_TOTAL_LABELS: list[tuple[re.Pattern[str], float]] = [
    (
        _label(
            r"\b(grand\s?total|total\s?(amount|due|payable|incl\w*|inclusive|rounded|sales\s?\(?incl\w*)|"
            r"nett?\s?total|rounded\s?total|after\s?rounding|(amount|amt)\.?\s?due|balance\s?due|totale\s?(documento|fattura|"
            r"complessivo|euro|eur|da\s?pagare|generale|dovuto)|importo\s?(totale|da\s?pagare|dovuto)|"
            r"netto\s?a\s?pagare|da\s?pagare)\b"
        ),
        3.0,
    ),
    # OCR reads the L of TOTAL as I, 1, ] or !, the O as 0, U or A, the first T as F
    (_label(r"\b([tf][o0ua]ta[l1i|\]!]|totale|tot\.?|jumlah|importo|amount)(?![a-z])"), 2.0),
]
_NOT_TOTAL = _label(
    r"\b(sub\s?-?\s?total\w*|subtot\w*|imponibile|total\s?(qty|quantity|item|items|disc\w*|savings?|"
    r"gst|tax|vat|iva|excl\w*|before|points?|weight|pcs|tendered)|totale\s?(iva|imponibile|pezzi|articoli)|"
    r"(gst|tax|vat|iva)\s?(amount|total)|change|cash|tendered|rounding|discount|sconto|resto|summary|"
    r"riepilogo)\b"
)
# "Total 6% supplies (excl. GST)", "Total 0% supplies": a row of the tax summary, not the amount to pay
_SUPPLIES = _label(r"\bsuppl(?:y|ies)\b")
# "(Total Included GST 6%: 1.42)": a note in parentheses of the tax included, not the amount to pay
_TAX_NOTE = _label(r"^\W{0,3}\(.*\b(gst|tax|vat|iva)\b")
_TAX_LABELS = _label(r"\b(total\s?(gst|tax|vat|iva)|totale\s?iva|iva\s?totale|imposta|gst|vat|iva|tax|sst)\b")
_NOT_TAX = _label(r"\b(p\.?\s?iva|partita|gst\s?(id|reg\w*|no)|vat\s?(no|number|reg\w*|id)|tax\s?invoice|"
                  r"incl\w*|excl\w*|exempt|esente)\b")  # fmt: skip
_DATE_LABELS = _label(r"\b(date|dated|data|del|tarikh|datum|fecha|issued|emessa|emissione)\b")
_DUE_LABELS = _label(
    r"\b(scadenza|scad\.?|due\s?date|due|pay\s?by|payment\s?due|entro\s?il|da\s?pagare\s?entro)\b"
)
_NUMBER_LABEL = _label(
    r"\b(fattura|invoice|receipt|ricevuta|scontrino|bill|doc(?:ument)?o?|nota\s?di\s?credito|credit\s?note|"
    r"inv|rcpt|trans(?:action)?|order|ordine)\s?(n(?:o|r|um(?:ber|ero)?)?\.?|#|n°|nº)\s*[:.#]?\s*"
    r"(?P<value>[A-Z0-9][A-Z0-9/\-_.]{1,24})",
)
_NUMBER_ALONE = _label(
    r"^(?:n(?:o|r|umero)?\.?|#|n°|nº)\s*[:.#]?\s*(?P<value>[A-Z0-9]*\d[A-Z0-9/\-_.]{0,24})"
)
_VAT_LABEL = _label(
    r"\b(p\.?\s?iva|partita\s?iva|c\.?f\.?\s?/\s?p\.?\s?iva|vat\s?(?:no|number|reg\w*|id)?|gst\s?(?:id|reg\w*"
    r"(?:\s?no)?|no)|company\s?reg\w*\s?no|co\.?\s?reg\.?\s?no|tax\s?id|codice\s?fiscale)\b\.?\s*[:.#]?\s*"
    r"(?P<value>(?:[A-Z]{2}\s?)?\d[\d\-]{5,16}\d)",
)
_CASH = _label(
    r"\b(cash|tunai|contanti|contante|tendered|paid|payment|pagato|visa|master\s?card|master|amex|edc|credit\s?card|"
    r"debit|bancomat|carta)\b"
)
_CHANGE = _label(r"\b(change|resto|baki|kembali)\b")
_ROUNDING = _label(r"\b(rounding|rounded\s?adj\w*|arrotondamento)\b")
# a row without a digit has no amount, date, VAT id, document number or IBAN of its own
_DIGIT = re.compile(r"\d")
_SPLIT_CENTS = re.compile(r"(?<![\d.,])(?P<whole>\d{1,6}) (?P<cents>\d{2})\s*$")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_ENDS_WITH_TITLE = re.compile(r"(fattura|invoice|receipt|ricevuta)\s*$", re.I)
_BLANK_OR_DASH = re.compile(r"[\s\-]")
_BLANK = re.compile(r"\s")
_WORD = re.compile(r"[^\W\d_]+")
_LEADING_LABEL = re.compile(r"^[^:\d]{2,20}:\s*(?=\S)")
_COUNTRY = re.compile(r"\(\s?[A-Z]{1,3}\s?\)")
_IT_VAT = re.compile(r"(?<![\w])(?:IT\s?)?(?P<value>\d{11})(?!\d)")
_IBAN = re.compile(r"(?<![A-Z0-9])(?P<value>[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30})", re.IGNORECASE)
_COMPANY_SUFFIX = _label(
    r"\b(s\.?\s?r\.?\s?l\.?s?|s\.?\s?p\.?\s?a\.?|s\.?\s?n\.?\s?c\.?|s\.?\s?a\.?\s?s\.?|sdn\.?\s?bhd\.?|bhd\.?|"
    r"s/b|ltd\.?|limited|llc|inc\.?|gmbh|plc|co\.|corp\.?|enterprise|trading|restaurant|restoran|"
    r"ristorante|cafe|caff[eè]|bakeries|hardware|stationery|store|mart|shop|kedai|farmacia|pharmacy|"
    r"supermarket|market|holdings|company|industries|services|servizi|group|gruppo)\b"
)
# the legal form that ends a company's name (the registration number printed after it is dropped)
_LEGAL_FORM = _label(
    r"(?<![\w])(s\.?\s?r\.?\s?l\.?s?|s\.?\s?p\.?\s?a\.?|s\.?\s?n\.?\s?c\.?|s\.?\s?a\.?\s?s\.?|"
    r"(co\.?\s?(\(\s?m\s?\)\s?)?)?(sdn\.?\s?)?bhd\.?|s\s?/\s?b|(co\.?\s?,?\s?)?ltd\.?|limited|llc|inc\.?|gmbh|plc)"
    r"(?![\w])"
)
# how OCR reads the Malaysian "SDN BHD" (Sendirian Berhad): "SON BHD", "SDN 3HD", "SDN BH0"
_MISREAD_BHD = re.compile(r"(?<![\w])(?P<sdn>S[O0U]N|SDN)?(?P<sep>\.?\s?)(?:[B38]H[D0O]|BH0|BHO)(?![\w])")
# after "SDN" the word can only be "BHD", however OCR read it: "SDN BID", "SDN BILD", "SDN 8HD"
_MISREAD_SDN_BHD = re.compile(r"(?<![\w])(?:S[DO0I1l]N)(?P<sep>\.?\s?)[B38][A-Z0-9]{1,3}(?![\w])")
# "(M)" (Malaysia) before "SDN BHD", its M read as another letter or digit: "(N)", "(4)"
_MISREAD_COUNTRY = re.compile(r"\(\s?[A-LN-Z0-9]\s?\)(?=\s?SDN\.?\s?BHD)")
# "(KL )SDN BHD": the space OCR put inside the parenthesis belongs after it
_MOVED_SPACE = re.compile(r"\s+\)(?=\w)")
_STRAY_QUOTE = re.compile(r"(?<![\w])[\"'“”‘’`](?=(?:SDN|BHD|S/B)(?![\w]))")  # "(KL) 'SDN BHD"
# a logo or a rule read as a symbol or a lone accented letter before the name: "| UNIHAKKA", "È = SYARIKAT"
_LEADING_JUNK = re.compile(r"^(?:(?:[^\w\s(&]+|[^\x00-\x7f])\s+)+")
_MISREAD_SB = re.compile(r"(?<![\w])[S5]\s?/\s?[B8R](?![\w])")  # "S/B" (Sendirian Berhad) read as "5/B"
_MISREAD_C = re.compile(r"(?<![\w])€(?=\s?[A-Za-z])")  # a capital C read as the euro sign: "€ W KHOO"
# the shop's owner, printed under the shop's own name: the shop is the supplier the receipt names
_OWNED_BY = _label(
    r"\b(owned\s?by|operated\s?by|managed\s?by|a\s?division\s?of|di\s?propriet[aà]\s?di|gestito\s?da)\b"
)
# "#000002 BAIFU (M) Sdn Bhd": a till's counter printed before the name
_COUNTER = re.compile(r"^#\d+\s+(?=[^\W\d_])")
_DANGLING = re.compile(r"(?:&|\band)\s*$", re.IGNORECASE)  # a name cut at the end of a row
_CURLY_APOSTROPHE = str.maketrans("‘’`´", "''''")
_INNER_REGISTRATION = re.compile(r"\(\s?\d{4,}[\dA-Z\-\s]*\)")  # "(621273-W)" inside the row
_REGISTRATION = re.compile(r"[\s,]*\(?\s?\d[\dA-Z\-\s]{3,}\)?\s*$")
_ADDRESS = _label(
    r"\b(taman|lot|no\.?\s?\d+|jln|flr|floor|level|lorong|blok|block|km|\d{5}|kawasan|perindustrian|"
    r"industrial|bandar|seksyen|section|persiaran|kampung|zona\s?industriale|localit[aà]|frazione)\b"
)
_NOT_SUPPLIER = _label(
    r"\b(tax\s?invoice|invoice|receipt|ricevuta|fattura|scontrino|cash\s?bill|simplified|official|"
    r"documento\s?commerciale|welcome|benvenuti|tel|fax|phone|telefono|gst|vat|p\.?\s?iva|www\.|http|"
    r"@|date|data|jalan|via|viale|piazza|road|street|copy|original|shopping|thank\s?you|grazie|goods\s?sold|"
    r"returnable|refund|exchange|"
    r"reg(istration)?\.?\s?no|co\.?\s?reg|company\s?(no|reg\w*)|cashier|counter|operator|table|cash\s?sale)\b|\bno\s?[.:]|\.com\b|\.it\b|#"
)


def _with_digits(rows: Sequence[Row]) -> list[bool]:
    """Per row: whether it has a digit."""
    return [_DIGIT.search(row.text) is not None for row in rows]


def _amount_near(rows: Sequence[Row], digits: Sequence[bool]) -> list[bool]:
    """Per row: whether `_amount_after` can find an amount from it (a digit here or on the next row).

    `digits`: `_with_digits` of `rows`.
    """
    below = [
        i + 1 < len(rows) and digits[i + 1] and rows[i + 1].page == row.page for i, row in enumerate(rows)
    ]
    return [here or next_row for here, next_row in zip(digits, below, strict=True)]


def _amount_after(rows: Sequence[Row], index: int, offset: int) -> tuple[Row, Amount] | None:
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
        if below and (_letters(below_row.text[: below[0].start]) < 0.5 or _CASH.search(below_row.text)):
            return below_row, below[0]
    return None


def _total(rows: Sequence[Row], near: Sequence[bool]) -> tuple[Found | None, str]:
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
            ):
                break
            found = _amount_after(rows, index, match.end())
            if found is not None and found[1].value > 0:
                candidates.append((weight, found[1].value, index, *found))
            break
    paid, exact = _paid(rows, near)
    settled = paid is not None and _no_change(rows, near)
    if paid is not None:
        exact = None
    if not candidates:
        # what was paid, or the cash handed over when no change is given, printed on another row too
        due = paid if paid is not None else exact
        printed = _printed_amount(rows, due) if due is not None else None
        if printed is None:
            return _sum_of_items(rows, paid if paid is not None else _cash_without_change(rows, near)), ""
        row, amount = printed
        text = row.text[amount.start : amount.end]
        return Found(
            "total", f"{amount.value:.2f}", text, 0.6, row.box(amount.start, amount.end)
        ), amount.currency
    rounding = [i for i, row in enumerate(rows) if _ROUNDING.search(row.text)]
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
    elif paid is not None and (printed := _printed_amount(rows, paid)) is not None:
        row, amount = printed  # the labels missed it (or OCR garbled them), but what was paid is printed
        value, confidence = paid, 0.7
    elif paid is not None and row is not rows[index] and _CASH.search(row.text):
        # "TOTAL" with its amount lost, then "CASH 100.00", "CHANGE 24.30": what was paid, not the cash
        text = f"{paid:.2f}"
        return Found("total", text, text, 0.6, rows[index].box(0, len(rows[index].text))), amount.currency
    elif (rounded := _rounded_below(rows, index, value, rounding)) is not None:
        row, amount = rounded
        value = amount.value
    elif (whole := _with_lost_digits(rows, near, value)) is not None:
        text = f"{whole:.2f}"  # "SUB-TOTAL 26.00", "TAX 1.56", "ROUNDING -0.01", "TOTAL 7.55": 27.55
        return Found("total", text, text, 0.7, row.box(amount.start, amount.end)), amount.currency
    text = row.text[amount.start : amount.end]
    return Found(
        "total", f"{value:.2f}", text, confidence, row.box(amount.start, amount.end)
    ), amount.currency


def _sum_of_items(rows: Sequence[Row], paid: float | None) -> Found | None:
    """With no total label: what was paid when two or more amounts printed in a row above the payment add
    up to it (`paid`: cash - change, or the cash when no change is printed); else the last unlabelled
    amount that is the sum of two or more amounts printed right above it.

    "RM26,00", "RM13,00", "Cash RM50.00", "Change RM11.00": 39.00; "RM 149.00", "RM 21.00", "CASH",
    "RM 170. 00": 170.00.
    """
    column: list[tuple[int, Row, Amount]] = []  # the rightmost amount of each row before the payment
    for row in rows:
        if _CASH.search(row.text) or _CHANGE.search(row.text) or len(column) >= _MOST_ITEMS:
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


def _cash_without_change(rows: Sequence[Row], near: Sequence[bool]) -> float | None:
    """The cash handed over (on its row or under it) when the receipt prints no change."""
    if any(_CHANGE.search(row.text) for row in rows):
        return None
    cash = _labelled_amounts(rows, near, _CASH)
    return cash[0] if cash else None


def _labelled_amounts(rows: Sequence[Row], near: Sequence[bool], label: re.Pattern[str]) -> list[float]:
    """The amounts printed after `label` (on its row, or under it), in page order, without sign."""
    found = []
    for index, row in enumerate(rows):
        if near[index] and (match := label.search(row.text)):
            after = _amount_after(rows, index, match.end())
            if after is not None:
                found.append(abs(after[1].value))
    return found


_SUBTOTAL = _label(r"\b(sub\s?-?\s?total\w*|subtot\w*)")


def _with_lost_digits(rows: Sequence[Row], near: Sequence[bool], value: float) -> float | None:
    """The total whose leading digits OCR lost, when what the receipt adds up to ends as `value` does.

    A total below the sub-total is misread (a discount is printed as such): the sub-total, plus the
    tax, plus or minus the rounding, that ends in the same digits ("26.00 + 1.56 - 0.01" and
    "TOTAL 7.55") is the total. None without a sub-total above `value`, or with a discount.
    """
    subtotals = _labelled_amounts(rows, near, _SUBTOTAL)
    if not subtotals or any(_DISCOUNT.search(row.text) and _amount_near_value(row) for row in rows):
        return None
    taxes = [0.0, *_labelled_amounts(rows, near, _TAX_LABELS)]
    roundings = [0.0, *_labelled_amounts(rows, near, _ROUNDING)]
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


_DISCOUNT = _label(r"\b(disc\w*|coupon|voucher|less|sconto|promo\w*|savings?)\b")


def _amount_near_value(row: Row) -> bool:
    """True when a row prints a non-zero amount."""
    return any(a.value != 0 for a in find_amounts(row.text))


def _printed_amount(rows: Sequence[Row], value: float) -> tuple[Row, Amount] | None:
    """The first amount equal to `value` on a row that is not the cash or change row."""
    for row in rows:
        if _CASH.search(row.text) or _CHANGE.search(row.text):
            continue
        for amount in find_amounts(row.text):
            if amount.decimals and abs(amount.value - value) < 0.005:
                return row, amount
    return None


def _rounded_below(
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


def _no_change(rows: Sequence[Row], near: Sequence[bool]) -> bool:
    """True when the receipt prints a change of zero ("CHANGE 0.00"): the exact amount was paid."""
    for index, row in enumerate(rows):
        if near[index] and (match := _CHANGE.search(row.text)):
            found = _amount_after(rows, index, match.end())
            return found is not None and found[1].decimals and found[1].value == 0
    return False


def _paid(rows: Sequence[Row], near: Sequence[bool]) -> tuple[float | None, float | None]:
    """Cash handed over minus the change given back, when a receipt prints both; and the cash handed
    over on its own row when no change is printed (the exact amount was paid).

    `near`: `_amount_near` of `rows` (a cash or change label without an amount near it is no payment).
    """
    cash = change = cash_here = None
    for index, row in enumerate(rows):
        if not near[index]:
            continue
        if change is None and (match := _CHANGE.search(row.text)):
            found = _amount_after(rows, index, match.end())
            change = found[1].value if found else None
        elif cash is None and (match := _CASH.search(row.text)):
            found = _amount_after(rows, index, match.end())
            cash = found[1].value if found else None
            cash_here = cash if found and found[0] is row else None
    exact = cash_here if cash_here is not None and change is None else None
    if cash is None or change is None or change < 0 or cash - change <= 0:
        return None, exact
    return round(cash - change, 2), exact


def _tax(rows: Sequence[Row], total: float | None, near: Sequence[bool]) -> Found | None:
    best: tuple[int, Found] | None = None
    for index, row in enumerate(rows):
        if not near[index]:
            continue
        match = _TAX_LABELS.search(row.text)
        if match is None or _NOT_TAX.search(row.text):
            continue
        found = _amount_after(rows, index, match.end())
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


def _dates(rows: Sequence[Row]) -> tuple[Found | None, Found | None]:
    document: list[tuple[float, Found]] = []
    due: list[tuple[float, Found]] = []
    latest = _latest_plausible()
    for index, row in enumerate(rows):
        for match in find_ocr_dates(row.text, latest):  # nothing for a row without a digit
            before = row.text[: match.start]
            above = rows[index - 1].text if index > 0 and rows[index - 1].page == row.page else ""
            is_due = bool(_DUE_LABELS.search(before) or (not before.strip() and _DUE_LABELS.search(above)))
            score = 1.0 - index * 0.002 - (1.0 if row.page > rows[0].page else 0.0)
            if match.value > latest and not is_due:
                continue  # a year misread by OCR beyond repair ("2042" from a product code): no document date
            if match.repaired:
                score -= 0.3  # a date read as printed, with the same label, is likelier
            if match.month_first:
                score -= 0.6  # beside a day-first date, "01/19/2017" is likelier a misread "01/10/2017"
            if _DATE_LABELS.search(before):
                score += 1.0
            elif not before.strip() and _DATE_LABELS.search(above):
                score += 0.75  # the label printed above the value, as in a table header
            if _TIME.search(row.text[match.end :]):
                score += 0.5  # a receipt prints the time beside the date of the sale
            text = row.text[match.start : match.end]
            found = Found("doc_date", match.value.isoformat(), text, min(0.95, 0.5 + 0.2 * score),
                          row.box(match.start, match.end))  # fmt: skip
            if is_due:
                due.append((score, Found("due_date", *_rest(found))))
            else:
                document.append((score, found))
    if not document:
        document += _labelled_without_separator(rows)
    best = _with_full_year(max(document, key=lambda c: c[0])[1], document) if document else None
    best_due = max(due, key=lambda c: c[0])[1] if due else None
    return best, best_due


# "Date : 05- 05 18 25:29": a date whose second separator OCR lost (only after a date label)
_LOST_SEPARATOR = re.compile(
    r"^\W*(?P<d>[0-3]?\d)\s?[/.\-]\s?(?P<m>[01]?\d) (?P<y>(?:19|20)?\d\d)(?![\d/.\-])"
)


def _labelled_without_separator(rows: Sequence[Row]) -> list[tuple[float, Found]]:
    """The date after a date label whose second separator OCR lost, when the page has no other date."""
    found: list[tuple[float, Found]] = []
    for row in rows:
        label = _DATE_LABELS.search(row.text)
        if label is None or (match := _LOST_SEPARATOR.search(row.text[label.end() :])) is None:
            continue
        year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
        try:
            value = date(year, int(match["m"]), int(match["d"]))
        except ValueError:
            continue
        if value <= _latest_plausible():
            start, end = label.end() + match.start("d"), label.end() + match.end("y")
            text = row.text[start:end]
            found.append((1.0, Found("doc_date", value.isoformat(), text, 0.5, row.box(start, end))))
    return found


def _with_full_year(best: Found, document: Sequence[tuple[float, Found]]) -> Found:
    """The same day and month printed elsewhere with a four-digit year, when `best`'s year is not:
    "Date: 08/10/00]" and "DD: 08/10/2017 12:11" are one date, its year misread on the first."""
    if _FULL_YEAR.search(best.text):
        return best
    for _, other in document:
        if other.value[4:] == best.value[4:] and other.value != best.value and _FULL_YEAR.search(other.text):
            return other
    return best


_FULL_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _latest_plausible() -> date:
    """A document is not dated more than a year ahead of today."""
    today = now().date()
    return today.replace(year=today.year + 1, day=min(today.day, 28))


def _rest(found: Found) -> tuple[str, str, float, Box | None]:
    return found.value, found.text, found.confidence, found.box


def _number(rows: Sequence[Row], with_digits: Sequence[bool]) -> Found | None:
    for index, row in enumerate(rows):
        if not with_digits[index]:
            continue  # a number without a digit is not taken
        match = _NUMBER_LABEL.search(row.text)
        if match is None and index > 0 and _ENDS_WITH_TITLE.search(rows[index - 1].text):
            match = _NUMBER_ALONE.search(row.text)
        if match is not None and any(ch.isdigit() for ch in match["value"]):
            value = match["value"].strip(".-/")
            return Found("number", value, value, 0.7, row.box(match.start("value"), match.end("value")))
    return None


def _vat(rows: Sequence[Row], with_digits: Sequence[bool]) -> Found | None:
    rows = [row for row, has_digit in zip(rows, with_digits, strict=True) if has_digit]  # a VAT id has digits
    for row in rows:
        match = _VAT_LABEL.search(row.text)
        if match is None:
            continue
        raw = _BLANK_OR_DASH.sub("", match["value"]).upper()
        digits = raw[2:] if raw[:2].isalpha() else raw
        if len(digits) == 11 and digits.isdigit():
            valid = std_iva.is_valid(digits)
            value = "IT" + digits if valid or raw.startswith("IT") else raw
            return Found("supplier_vat", value, match["value"], 0.95 if valid else 0.6,
                         row.box(match.start("value"), match.end("value")))  # fmt: skip
        if sum(ch.isdigit() for ch in raw) >= 6:
            return Found(
                "supplier_vat", raw, match["value"], 0.7, row.box(match.start("value"), match.end("value"))
            )
    for row in rows:  # an Italian VAT number without a label: only when its check digit holds
        for match in _IT_VAT.finditer(row.text):
            if std_iva.is_valid(match["value"]):
                return Found("supplier_vat", "IT" + match["value"], match.group(0), 0.6,
                             row.box(match.start(), match.end()))  # fmt: skip
    return None


def _iban(rows: Sequence[Row], with_digits: Sequence[bool]) -> Found | None:
    for row, has_digit in zip(rows, with_digits, strict=True):
        if not has_digit:
            continue
        for match in _IBAN.finditer(row.text):
            compact = _BLANK.sub("", match["value"]).upper()
            for end in range(len(compact), 14, -1):  # the regex may run into the next word
                if std_iban.is_valid(compact[:end]):
                    return Found(
                        "iban", compact[:end], match["value"], 0.95, row.box(match.start(), match.end())
                    )
    return None


def _supplier(rows: Sequence[Row], minimum: float) -> Found | None:
    """The supplier's name (`_name_at_top`), its words checked against the rest of the page.

    None when the name found has a confidence below `minimum`.
    """
    found = _name_at_top(rows, minimum)
    if found is None or found.confidence < minimum:
        return None
    value = _reconciled(found.value, rows)
    return Found(found.name, value, found.text, found.confidence, found.box)


# letters OCR takes for one another (a shop's name is often printed again lower on the page)
_CONFUSABLE = {frozenset(pair) for pair in ("ou", "oc", "oa", "ce", "ea", "il", "lt", "hm", "hn", "mn")} | {
    frozenset(pair) for pair in ("bh", "rk", "uv", "vy", "bd", "ht", "ij", "gq", "ao", "ec")
}


def _reconciled(name: str, rows: Sequence[Row]) -> str:
    """`name` with a word OCR misread put right from the same word printed (read) at least twice elsewhere.

    "SANYO STATIONERY SHOP" over "SANYU SUPPLY SDN BHD" and "Facebook: Sanyu.Stationery":
    a word of four letters or more is replaced by a variant that differs from it in one
    letter of a confusable pair (o/u, i/l, h/m...) and occurs more often on the page.
    """
    counts: dict[str, int] = {}
    for row in rows:
        for word in _WORD.findall(row.text.casefold()):
            counts[word] = counts.get(word, 0) + 1

    repeated: dict[int, list[tuple[str, int]]] = {}  # by length, in the order of `counts`
    for variant, count in counts.items():
        if count >= 2:
            repeated.setdefault(len(variant), []).append((variant, count))

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        folded = word.casefold()
        if len(word) < 4:
            return word
        best, seen = word, counts.get(folded, 0)
        for variant, count in repeated.get(len(folded), []):
            if count <= seen:
                continue
            if one_letter_apart(folded, variant) in _CONFUSABLE:
                best, seen = (variant.upper() if word.isupper() else variant), count
        return best

    return _WORD.sub(fix, name)


def _name_at_top(rows: Sequence[Row], minimum: float = 0.0) -> Found | None:
    """The name at the top: a row with a company suffix among the first rows, else the first name-like row.

    The name ends at its legal form ("SDN BHD", "S.R.L."): the registration
    number printed after it is not part of it. A name printed on two rows
    ("POPULAR BOOK" over "CO. (M) SDN BHD") is joined when the lower row is
    only a legal form, starts with "&" or "(", or closes a parenthesis opened above.
    The first name-like row is not looked for when its confidence would be below `minimum`.
    """
    first_page = [r for r in rows if r.page == rows[0].page][:12] if rows else []
    parts = [(position, row, _name_part(row.text)) for position, row in enumerate(first_page[:8])]
    named = [
        (position, row, text)
        for position, row, text in parts
        if _COMPANY_SUFFIX.search(text)
        and _letters(text) >= 0.6
        and not _NOT_SUPPLIER.search(text)
        and not _owner(first_page, position)
        and (not _continues(text) or (position > 0 and _is_name(first_page[position - 1].text)))
    ]
    # the registered name (with its legal form) before a shop sign ("... CAFE") above it
    named.sort(key=lambda found: _LEGAL_FORM.search(found[2]) is None)
    if named:
        position, row, text = named[0]
        above = first_page[position - 1] if position > 0 else None
        if above is not None and _continues(text) and _is_name(above.text):
            joined = f"{above.text} {text}"
            box = _union(above.box(0, len(above.text)), row.box(0, len(text)))
            return Found("supplier", joined, joined, 0.7, box)
        return _name_with_rest(first_page, position, text, 0.8)
    if minimum > _GUESSED:
        return None
    anchored = _above_registration(first_page)
    if anchored is not None:
        return _name_with_rest(first_page, anchored, _name_part(first_page[anchored].text), _GUESSED)
    for position, row in enumerate(first_page[:5]):
        name = _LEADING_JUNK.sub("", row.text).translate(_CURLY_APOSTROPHE)
        words = sum(sum(ch.isalpha() for ch in word) >= 4 for word in name.split())
        if name != row.text.translate(_CURLY_APOSTROPHE) and words < 2:
            continue  # a logo read as symbols and letters ("| ugar î"), not a name after a speck
        if _is_name(name) and not _ADDRESS.search(name):
            return _name_with_rest(first_page, position, name, _GUESSED)
    return None


_GUESSED = 0.4  # the first name-like row (less when the next row is joined to it)
# the row printing the company's registration or tax number, under its name: "(81109-A)",
# "COMPANY NO: 499702-V", "Co. Reg. No.", "GST ID", "P.IVA", "VAT No"
_REGISTRATION_ROW = _label(
    r"^\W*\(?\s?\d{4,}\s?-?\s?[A-Z]\s?\)?\W*$|\b(co(mpany|mpary)?\.?\s?(reg\w*\.?\s?)?no|roc\s?no|"
    r"gst\s?(id|reg\w*|no)|p\.?\s?iva|vat\s?(no|reg\w*|id))\b"
)


def _above_registration(rows: Sequence[Row]) -> int | None:
    """The name in capitals right above the first registration row of the top rows, when no address is
    printed above it (a logo read as letters above the name is no name; a row after the address is the
    country or an operator)."""
    for position, row in enumerate(rows[1:8], start=1):
        if _REGISTRATION_ROW.search(row.text):
            above = _LEADING_JUNK.sub("", rows[position - 1].text)
            if (
                _is_name(above)
                and _capitals(above) >= 0.8
                and not any(_ADDRESS.search(r.text) for r in rows[:position])
            ):
                return position - 1
            return None
    return None


def _capitals(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) / max(1, len(letters))


def _name_with_rest(rows: Sequence[Row], position: int, text: str, confidence: float) -> Found:
    """The name on row `position`, and the next row's when it ends in '&' or 'AND' (cut by the paper)."""
    row = rows[position]
    below = rows[position + 1] if position + 1 < len(rows) else None
    if (
        below is not None
        and _DANGLING.search(text)
        and _is_name(below.text)
        and not _ADDRESS.search(below.text)
    ):
        rest = _name_part(below.text)
        joined = f"{text} {rest}"
        return Found(
            "supplier",
            joined,
            joined,
            confidence - 0.1,
            _union(row.box(0, len(text)), below.box(0, len(rest))),
        )
    return Found("supplier", text, text, confidence, row.box(0, len(text)))


def _owner(rows: Sequence[Row], position: int) -> bool:
    """True when row `position` names the company that owns the shop ("Owned By :" on it or just above)."""
    if _OWNED_BY.search(rows[position].text):
        return True
    return position > 0 and bool(_OWNED_BY.search(rows[position - 1].text))


def _name_part(text: str) -> str:
    """The row up to the end of its last legal form, or without a trailing registration number."""
    text = corrected_name(_LEADING_LABEL.sub("", _COUNTER.sub("", text)))  # "Ragione sociale:", "#000002"
    text = _MISREAD_SDN_BHD.sub(lambda m: "SDN" + m["sep"] + "BHD", text)
    text = _MISREAD_BHD.sub(lambda m: ("SDN" if m["sdn"] else "") + m["sep"] + "BHD", text)
    text = _MISREAD_SB.sub("S/B", _MISREAD_C.sub("C", text)).translate(_CURLY_APOSTROPHE)
    text = _MISREAD_COUNTRY.sub("(M)", _STRAY_QUOTE.sub("", _LEADING_JUNK.sub("", text)))
    text = _MOVED_SPACE.sub(") ", text)
    ends = [m.end() for m in _LEGAL_FORM.finditer(text)]
    if ends:  # a registration number printed before the legal form is not part of the name either
        return " ".join(_INNER_REGISTRATION.sub(" ", text[: ends[-1]]).strip(" ,;:").split())
    return _REGISTRATION.sub("", text).strip(" ,;:") or text


def _continues(text: str) -> bool:
    """True when a row cannot be a whole name: only a legal form, or it starts with '&' or '('."""
    rest = _LEGAL_FORM.sub(" ", text)
    rest = _COUNTRY.sub(" ", rest)  # "(M)": the country of a Malaysian company
    unopened = text.find(")") >= 0 and (text.find("(") < 0 or text.find(")") < text.find("("))
    return text.lstrip().startswith(("&", "(")) or unopened or not any(ch.isalnum() for ch in rest)


def _letters(text: str) -> float:
    chars = [ch for ch in text if not ch.isspace()]
    return sum(ch.isalpha() for ch in chars) / max(1, len(chars))


def _is_name(text: str) -> bool:
    """A row that can be a shop's name: mostly letters, a word of four or more, no stray symbols."""
    words = text.split()
    if len(text) < 3 or len(words) > 8:  # the cheap tests first: a long row is no name
        return False
    plain = sum(ch.isalnum() or ch in " &.,'-()/" for ch in text) / max(1, len(text))
    return (
        _letters(text) >= 0.7
        and plain >= 0.95  # "| ugar î", "(TI AA": a logo read as text
        and any(sum(ch.isalpha() for ch in word) >= 4 for word in words)
        and not _NOT_SUPPLIER.search(text)
    )


def _union(a: Box | None, b: Box | None) -> Box | None:
    if a is None or b is None or a.page != b.page:
        return a or b
    x0, y0 = min(a.x, b.x), min(a.y, b.y)
    x1, y1 = max(a.x + a.w, b.x + b.w), max(a.y + a.h, b.y + b.h)
    return Box(a.page, x0, y0, x1 - x0, y1 - y0, a.page_width, a.page_height)


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
    digits = _with_digits(rows)
    near = _amount_near(rows, digits)
    total, total_currency = _total(rows, near)
    doc_date, due_date = _dates(rows)
    found += [doc_date, due_date, total, _supplier(rows, min_supplier_confidence)]
    found += [_vat(rows, digits), _number(rows, digits), _iban(rows, digits)]
    found.append(_tax(rows, float(total.value) if total else None, near))
    found.append(_currency(rows, total_currency))
    return [f for f in found if f is not None]
