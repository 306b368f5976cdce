"""Dates and amounts as printed on invoices and receipts, read into values.

Dates: day-first numeric dates with any of ``/ . -`` as separator and the
spaces OCR puts after them ("30- 06- 2018", "08/ 10/2017"), two- or four-digit
years ("19-03-18"), ISO dates, and month names in Italian or English, short or
long, before or after the day ("01-NOV-2017", "15/APR/2017", "02 APR 2018",
"OCT 3, 2016", "3 marzo 2024"). A numeric date whose first part cannot be a day
but whose second can (12/25/2024) is read month-first.

Amounts: European ("1.234,56") and Anglo-Saxon ("1,234.56") grouping, with or
without a currency sign or code before or after ("RM54.50", "€ 12,00",
"12.00 EUR"); a lone comma or dot followed by two digits is the decimal mark, also
with the space OCR puts after it ("64. 15").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["CURRENCIES", "Amount", "DateMatch", "find_amounts", "find_dates", "parse_amount"]

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january gennaio jan gen",
        "february febbraio feb",
        "march marzo mar",
        "april aprile apr",
        "may maggio mag",
        "june giugno jun giu",
        "july luglio jul lug",
        "august agosto aug ago",
        "september settembre sep sept set",
        "october ottobre oct ott",
        "november novembre nov",
        "december dicembre dec dic",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH = r"(?P<{}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SEP = r"\s?[/.\-]\s?"
_NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<d>[0-3]?\d)(?P<s>" + _SEP + r")(?P<m>[0-3]?\d)(?P=s)(?P<y>(?:19|20)\d\d|\d\d)(?![\d])"
)
_NUMERIC_LOOSE = re.compile(
    r"(?<![\d/.\-])(?P<d>[0-3]?\d)" + _SEP + r"(?P<m>[0-3]?\d)" + _SEP + r"(?P<y>(?:19|20)\d\d|\d\d)(?!\d)"
)
_ISO = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)(?!\d)")
_DAY_MONTH = re.compile(
    r"(?<![\d\w])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?[\s/.\-]{1,3}"
    + _MONTH.format("mon")
    + r"[\s/.\-,]{1,3}(?P<y>(?:19|20)\d\d|\d\d)(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    r"(?<![\w])"
    + _MONTH.format("mon")
    + r"\s{0,2}(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s{0,2}(?P<y>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)

CURRENCIES: dict[str, str] = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "$": "USD", "usd": "USD", "£": "GBP", "gbp": "GBP",
    "rm": "MYR", "myr": "MYR", "chf": "CHF", "fr.": "CHF", "sgd": "SGD", "s$": "SGD",
}  # fmt: skip
_CURRENCY = r"(?:€|eur(?:o)?|usd|\$|£|gbp|rm|myr|chf|sgd|s\$)"
# OCR often reads "64.15" as "64. 15": a space after the decimal mark, before exactly two digits
_NUMBER = r"(?P<num>\d{1,3}(?:[.,' ]\d{3})+(?:[.,]\s?\d{2}|[.,]\d)?|\d+(?:[.,]\s?\d{2}|[.,]\d)?)"
_AMOUNT = re.compile(
    r"(?<![\w.,])(?:(?P<pre>"
    + _CURRENCY
    + r")\s?)?-?"
    + _NUMBER
    + r"(?:\s?(?P<post>"
    + _CURRENCY
    + r"))?(?![\w%]|[.,]\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: its value and where it is ([start, end) of the text)."""

    value: date
    start: int
    end: int


@dataclass(frozen=True)
class Amount:
    """An amount found in a text, its currency (ISO code, "" when none is printed), its span."""

    value: float
    currency: str
    decimals: bool
    start: int
    end: int


def _year(text: str) -> int:
    year = int(text)
    return year + (2000 if year < 70 else 1900) if year < 100 else year


def _make(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every date in `text`, in order of position (overlaps resolved in favour of the first pattern)."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def add(value: date | None, start: int, end: int) -> None:
        if value is None or not 1990 <= value.year <= 2099:
            return
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(DateMatch(value, start, end))

    for match in _ISO.finditer(text):
        add(_make(int(match["d"]), int(match["m"]), int(match["y"])), match.start(), match.end())
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            month = _MONTHS[match["mon"].lower()]
            add(_make(int(match["d"]), month, _year(match["y"])), match.start(), match.end())
    for pattern in (_NUMERIC, _NUMERIC_LOOSE):
        for match in pattern.finditer(text):
            day, month, year = int(match["d"]), int(match["m"]), _year(match["y"])
            value = _make(day, month, year) or _make(month, day, year)
            add(value, match.start(), match.end())
    return sorted(found, key=lambda m: m.start)


def parse_amount(number: str) -> tuple[float, bool] | None:
    """The value of a printed number and whether it has decimals; None when it is not a number."""
    digits = number.replace(" ", "").replace("'", "")
    last_comma, last_dot = digits.rfind(","), digits.rfind(".")
    mark = max(last_comma, last_dot)
    decimals = mark >= 0 and len(digits) - mark - 1 in (1, 2)
    if decimals:
        whole, fraction = digits[:mark], digits[mark + 1 :]
    else:
        whole, fraction = digits, ""
    whole = whole.replace(".", "").replace(",", "")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return None
    return float(f"{whole}.{fraction or '0'}"), decimals


def find_amounts(text: str) -> list[Amount]:
    """Every amount in `text` (numbers that are part of a date, time or code are left out)."""
    found: list[Amount] = []
    dates = [(m.start, m.end) for m in find_dates(text)]
    for match in _AMOUNT.finditer(text):
        start, end = match.span()
        if any(start < e and s < end for s, e in dates):
            continue
        if text[end : end + 2][1:].isdigit() and text[end : end + 1] == ":":
            continue  # a time, 12:30 (but "TOTAL:28.60" is an amount after its label)
        if start >= 2 and text[start - 1] == ":" and text[start - 2].isdigit():
            continue
        parsed = parse_amount(match["num"])
        if parsed is None:
            continue
        sign = (match["pre"] or match["post"] or "").lower()
        if sign == "rm" and not parsed[1]:
            sign = ""  # "RM" without cents is more often Rome's province code (00144 Roma RM) than ringgit
        value = -parsed[0] if "-" in text[start : match.start("num")] else parsed[0]
        found.append(Amount(value, CURRENCIES.get(sign, ""), parsed[1], start, end))
    return found
