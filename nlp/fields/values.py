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

`find_ocr_dates` also reads dates as OCR garbles them: letters that look like
digits inside a date-shaped group ("O5/O9/2O17", "Q1-Nov-2017"), a speck read
as a quote ("23- “06- 2018"), and a year that cannot be (after next year, before
1990) with one misread digit put back ("17/04/2078" → 2018, "05/09/2617" → 2017).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = [
    "CURRENCIES",
    "Amount",
    "DateMatch",
    "find_amounts",
    "find_dates",
    "find_ocr_dates",
    "parse_amount",
]

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

_DIGIT = re.compile(r"\d")
_TWO_DIGITS = re.compile(r"\d\d")
_CENTURY = re.compile(r"(?:19|20)\d\d")
_MONTH = r"(?P<{}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SEP = r"\s?[/.\-]\s?"
# a four-digit year may run into the time printed after it: "09/01/20198:01:11PM"
_NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<d>[0-3]?\d)(?P<s>" + _SEP + r")(?P<m>[0-3]?\d)(?P=s)"
    r"(?P<y>(?:19|20)\d\d(?=\d{1,2}:\d\d)|(?:(?:19|20)\d\d|\d\d)(?!\d))"
)
# with two different separators ("11/3-21"), only when not glued to letters: "MI11/3-21" is a product code
_NUMERIC_LOOSE = re.compile(
    r"(?<![\w/.\-])(?P<d>[0-3]?\d)" + _SEP + r"(?P<m>[0-3]?\d)" + _SEP + r"(?P<y>(?:19|20)\d\d|\d\d)(?!\d)"
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
    repaired: bool = False  # read after undoing OCR confusions (`find_ocr_dates`)
    month_first: bool = False  # a numeric date that can only be read month first (12/25/2024)


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
    if _TWO_DIGITS.search(text) is None:  # every date pattern needs a two-digit year at least
        return []
    return list(_dates_in(text))


# The rules read the same row for dates and for amounts, and its amounts for several fields.
_MEMO_SIZE = 2048


@lru_cache(maxsize=_MEMO_SIZE)
def _dates_in(text: str) -> tuple[DateMatch, ...]:
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def add(value: date | None, start: int, end: int, month_first: bool = False) -> None:
        if value is None or not 1990 <= value.year <= 2099:
            return
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(DateMatch(value, start, end, month_first=month_first))

    # an ISO or month-first date prints its year with four digits (most rows with digits have none)
    century = _CENTURY.search(text) is not None
    for match in _ISO.finditer(text) if century else ():
        add(_make(int(match["d"]), int(match["m"]), int(match["y"])), match.start(), match.end())
    for pattern in (_DAY_MONTH, _MONTH_DAY) if century else (_DAY_MONTH,):
        for match in pattern.finditer(text):
            month = _MONTHS[match["mon"].lower()]
            add(_make(int(match["d"]), month, _year(match["y"])), match.start(), match.end())
    for pattern in (_NUMERIC, _NUMERIC_LOOSE):
        for match in pattern.finditer(text):
            day, month, year = int(match["d"]), int(match["m"]), _year(match["y"])
            value = _make(day, month, year)
            if value is None:
                add(_make(month, day, year), match.start(), match.end(), month_first=True)
            else:
                add(value, match.start(), match.end())
    return tuple(sorted(found, key=lambda m: m.start))


# A date as OCR may read it: digit groups (with letters that look like digits) and separators
_DATE_SHAPED = re.compile(
    r"(?<![\w])[\dOoQDIl|SZB]{1,4}(?:\s?[/.\-]\s?[\"“”'‘’`]?[\dOoQDIl|SZB]{1,4}){2}(?![\w])"
)
_DATE_SHAPED_MONTH = re.compile(
    r"(?<![\w])(?P<d>[\dOoQDIl|SZB]{1,2})(?P<mid>[\s/.\-]{1,3}(?P<mon>[A-Za-z]{3,9})\.?[\s/.\-,]{1,3})"
    r"(?P<y>[\dOoQDIl|SZB]{2,4})(?!\d)"
)
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_QUOTES = re.compile(r"[\"“”'‘’`]")  # specks OCR reads as quotes: "23- “06- 2018"
_LOOKALIKES = str.maketrans("OoQDIl|SZB", "0000111528")
# digits thermal print and low-resolution scans are read as, and the digits they were printed as
_MISREAD_DIGITS = {"7": "1", "8": "0361", "6": "058", "9": "08", "3": "8", "4": "1", "0": "2"}


def _repair_year(year: str, latest: int) -> str:
    """A four-digit year outside 1990..`latest` with one misread digit put back (the latest such year).

    "2078" → "2018", "2617" → "2017", "2918" → "2018"; unchanged when no single
    look-alike digit gives a plausible year.
    """
    if 1990 <= int(year) <= latest:
        return year
    best = ""
    for position, read in enumerate(year):
        for printed in _MISREAD_DIGITS.get(read, ""):
            candidate = year[:position] + printed + year[position + 1 :]
            if 1990 <= int(candidate) <= latest and candidate > best:
                best = candidate
    return best or year


def _undo_confusions(text: str, latest: int) -> str:
    """`text` with look-alike letters inside date-shaped groups read as digits and misread years repaired.

    Every change keeps the group's length (a quote dropped leaves a space at its end), so a date
    found in the result starts where it is printed in `text`.
    """

    def fix(match: re.Match[str]) -> str:
        group = match.group(0)
        if sum(ch.isdigit() for ch in group) < 4:  # "S/B", "I/O": words, not dates
            return group
        digits = _QUOTES.sub("", group.translate(_LOOKALIKES)).ljust(len(group))
        return _YEAR.sub(lambda y: _repair_year(y.group(0), latest), digits)

    def fix_month(match: re.Match[str]) -> str:  # "Q1-Nov-2017": the day and year only
        if match["mon"].lower() not in _MONTHS or not any(ch.isdigit() for ch in match["d"] + match["y"]):
            return match.group(0)
        year = match["y"].translate(_LOOKALIKES)
        year = _repair_year(year, latest) if len(year) == 4 and year.isdigit() else year
        return match["d"].translate(_LOOKALIKES) + match["mid"] + year

    return _DATE_SHAPED_MONTH.sub(fix_month, _DATE_SHAPED.sub(fix, text))


def find_ocr_dates(text: str, latest: date) -> list[DateMatch]:
    """`find_dates`, plus dates OCR garbled in a way that can be undone (marked ``repaired``).

    Inside a group shaped like a date, letters that look like digits are read
    as digits ("O5/O9/2O17", "l2-03-18") and a four-digit year that cannot be
    (after `latest`'s year, before 1990) has one misread digit put back
    ("17/04/2078", "05/09/2617"). Dates found as printed come first at their place.
    """
    found = find_dates(text)
    if _DIGIT.search(text) is None:  # a date-shaped group is only repaired when it has digits
        return found
    fixed = _undo_confusions(text, latest.year)
    if fixed == text:
        return found
    readings = find_dates(fixed)
    for match in readings:
        if not any(match.start < m.end and m.start < match.end for m in found):
            found.append(DateMatch(match.value, match.start, match.end, True, match.month_first))
    for index, match in enumerate(found):
        if match.value > latest and not match.repaired:  # a year read wrong but still "valid"
            repaired = [m for m in readings if m.start < match.end and match.start < m.end]
            if repaired and repaired[0].value <= latest:
                found[index] = DateMatch(
                    repaired[0].value, match.start, match.end, True, repaired[0].month_first
                )
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
    if _DIGIT.search(text) is None:  # an amount has digits
        return []
    return list(_amounts_in(text))


@lru_cache(maxsize=_MEMO_SIZE)
def _amounts_in(text: str) -> tuple[Amount, ...]:
    found: list[Amount] = []
    dates: list[tuple[int, int]] | None = None
    for match in _AMOUNT.finditer(text):
        start, end = match.span()
        if dates is None:
            dates = [(m.start, m.end) for m in find_dates(text)]
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
    return tuple(found)
