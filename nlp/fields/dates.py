"""The document's date and the payment's due date.

Every date on the page is a candidate (`find_ocr_dates`), scored by its label
(on its row, or above it as in a table header), by the time printed beside it
(a receipt's sale) and by its place (the first page, higher up). A date OCR's
reading had to be repaired for, or that reads only month first, loses to one
read as printed, day first; a document date more than a year ahead is a
misread year and no candidate. A date after a due label is the due date. A
date read with a two-digit year loses to the same day and month printed with
four digits; after a date label, "05- 05 18" (a separator lost) is a date when
the page has no other, and so is "27: 04-18" (the first separator garbled) opening
a row with the time after it. A label may run into another word ("BIZDATE").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from core.clock import now
from nlp.fields.found import Found, label
from nlp.fields.layout import Box, Row
from nlp.fields.values import find_ocr_dates

__all__ = ["DATE_LABELS", "dates_of"]


DATE_LABELS = label(
    r"\b(date|dated|data|del|tarikh|datum|fecha|issued|emessa|emissione|"
    r"(biz|business|trans|txn|inv|doc|bill|sales?|receipt)\s?date)\b"
)  # "BIZDATE: 10/02/2017" over an address "NO. 10.12.01"
_DUE_LABELS = label(
    r"\b(scadenza|scad\.?|due\s?date|due|pay\s?by|payment\s?due|entro\s?il|da\s?pagare\s?entro)\b"
)
_TIME = re.compile(r"\d{1,2}\s?:\s?\d{2}")  # "13:49", and "13 : 49" as OCR spaces it


def dates_of(rows: Sequence[Row]) -> tuple[Found | None, Found | None]:
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
            if DATE_LABELS.search(before):
                score += 1.0
            elif not before.strip() and DATE_LABELS.search(above):
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
    if not document:
        document += _compact(rows, latest)
    if not document:
        document += _garbled_before_time(rows, latest)
    best = _with_full_year(max(document, key=lambda c: c[0])[1], document) if document else None
    best_due = max(due, key=lambda c: c[0])[1] if due else None
    return best, best_due


# "Date : 05- 05 18 25:29": a date whose second separator OCR lost (only after a date label)
_LOST_SEPARATOR = re.compile(
    r"^\W*(?P<d>[0-3]?\d)\s?[/.\-]\s?(?P<m>[01]?\d) (?P<y>(?:19|20)?\d\d)(?![\d/.\-])"
)


def _day_month_year(match: re.Match[str]) -> date | None:
    """The date of a match's `d`, `m` and `y` groups (a two-digit year is this century's), if one."""
    year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    try:
        return date(year, int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _labelled_without_separator(rows: Sequence[Row]) -> list[tuple[float, Found]]:
    """The date after a date label whose second separator OCR lost, when the page has no other date."""
    found: list[tuple[float, Found]] = []
    for row in rows:
        label = DATE_LABELS.search(row.text)
        if label is None or (match := _LOST_SEPARATOR.search(row.text[label.end() :])) is None:
            continue
        value = _day_month_year(match)
        if value is not None and value <= _latest_plausible():
            start, end = label.end() + match.start("d"), label.end() + match.end("y")
            text = row.text[start:end]
            found.append((1.0, Found("doc_date", value.isoformat(), text, 0.5, row.box(start, end))))
    return found


# "DATE/TIME : 20180428/191204", "25032018 13:11:54": eight digits, year first or last
_COMPACT = re.compile(r"(?<![\w/.\-])(?P<digits>\d{8})(?![\d.,])")
_TIME_AFTER = re.compile(r"^(\s?\d{1,2}\s?:\s?\d{2}|/\d{4,6}(?!\d))")


def _compact(rows: Sequence[Row], latest: date) -> list[tuple[float, Found]]:
    """A date printed without separators, after a date label or before a time, when the page has no
    other: year first ("20180428") when it reads so, else day first ("25032018")."""
    found: list[tuple[float, Found]] = []
    for index, row in enumerate(rows):
        for match in _COMPACT.finditer(row.text):
            labelled = DATE_LABELS.search(row.text[: match.start()]) is not None
            if not labelled and not _TIME_AFTER.search(row.text[match.end() :]):
                continue
            value = _eight_digits(match["digits"], latest)
            if value is not None:
                text = match["digits"]
                box = row.box(match.start(), match.end())
                score = 1.0 - index * 0.002 + (1.0 if labelled else 0.0)
                found.append((score, Found("doc_date", value.isoformat(), text, 0.5, box)))
    return found


# "27: 04-18 16:26", "24. -03-18 18:10": a date and time opening a row, the first separator garbled
_GARBLED_SEPARATOR = re.compile(
    r"^\W{0,2}(?P<d>[0-3]?\d)[\s.:/\-]{1,3}(?P<m>[01]?\d)[/.\-](?P<y>(?:19|20)\d\d|\d\d)\s\d{1,2}\s?:\s?\d{2}(?!\d)"
)


def _garbled_before_time(rows: Sequence[Row], latest: date) -> list[tuple[float, Found]]:
    """A date whose first separator OCR garbled, opening a row with the time after it, when the page has
    no other date."""
    found: list[tuple[float, Found]] = []
    for index, row in enumerate(rows):
        if (match := _GARBLED_SEPARATOR.search(row.text)) is None:
            continue
        value = _day_month_year(match)
        if value is not None and value <= latest:
            start, end = match.start("d"), match.end("y")
            text = row.text[start:end]
            found.append(
                (1.0 - index * 0.002, Found("doc_date", value.isoformat(), text, 0.5, row.box(start, end)))
            )
    return found


def _eight_digits(digits: str, latest: date) -> date | None:
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            continue
        if value.year >= 1990 and value <= latest:
            return value
    return None


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
