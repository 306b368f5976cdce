"""DATE: Italian and English calendar dates, value ISO 8601 ("2024-03-12").

Numeric dates are read day first (dd/mm/yyyy, dd/mm/yy, dd.mm.yy zero-padded), as
written in Italy and most of Europe; ISO dates (yyyy-mm-dd) as they are. Month names in Italian and English,
full or abbreviated. Impossible dates (31/02/2024) are rejected.
"""

from __future__ import annotations

import re
from datetime import date

from core.document import Entity
from nlp.entities._base import make_entity

__all__ = ["find_dates"]

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "gennaio gen january jan",
        "febbraio feb february",
        "marzo mar march",
        "aprile apr april",
        "maggio mag may",
        "giugno giu june jun",
        "luglio lug july jul",
        "agosto ago august aug",
        "settembre set sett september sep sept",
        "ottobre ott october oct",
        "novembre nov november",
        "dicembre dic december dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th|°|º)?"
_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<![\d/.-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])"),
    re.compile(r"(?<![\d/.,-])(?P<d>\d{1,2})([/.-])(?P<m>\d{1,2})\2(?P<y>\d{4})(?![\d/-]|[.,]\d)"),
    re.compile(r"(?<![\d/.,-])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{2})(?![\d/]|[.,]\d)"),
    # Dotted with a two-digit year only zero-padded ("05.11.18", receipts and card statements):
    # "1.2.18" is more often a version or a clause number than a date.
    re.compile(r"(?<![\d/.,-])(?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>\d{2})(?![\d/-]|[.,]\d)"),
    re.compile(
        rf"(?<![\w])(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mn>{_MONTH})\.?,?\s+(?P<y>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\w])(?P<mn>{_MONTH})\.?\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
)


def _to_date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    month = _MONTHS[groups["mn"].lower()] if groups.get("mn") else int(groups["m"])
    year = int(groups["y"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return date(year, month, int(groups["d"]))
    except ValueError:
        return None


# The patterns with a four-digit year: a text without four digits in a row is not searched for them
# (the month-name ones cost most, trying every month at every word).
_FOUR_DIGIT_YEAR = frozenset(i for i, pattern in enumerate(_PATTERNS) if "(?P<y>\\d{4})" in pattern.pattern)
_FOUR_DIGITS = re.compile(r"\d{4}")


def find_dates(text: str) -> list[Entity]:
    """Every valid calendar date in `text`; overlapping matches keep the first pattern's."""
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []
    four_digits = _FOUR_DIGITS.search(text) is not None
    for i, pattern in enumerate(_PATTERNS):
        if not four_digits and i in _FOUR_DIGIT_YEAR:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            when = _to_date(match)
            if when is None:
                continue
            taken.append((start, end))
            found.append(make_entity("DATE", text, start, end, when.isoformat()))
    found.sort(key=lambda entity: entity.start)
    return found
