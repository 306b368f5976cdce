"""Field lookup and value conversion for the parser (dates, numbers, booleans).

Dates are understood at the precision they are written: ``2024`` is the whole
year, ``2024-03`` the month, ``2024-03-05`` the day, a full ISO timestamp the
instant. A range bound then covers its whole span, so
``date:[2024-01-01 TO 2024-03-31]`` includes every moment of 31 March and
``date:>2024-01-01`` starts on 2 January. Times without a zone are UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from index.backend import SearchError
from index.fields import (
    BOOL_FIELDS,
    DATE_FIELDS,
    FIELD_ALIASES,
    FLOAT_FIELDS,
    INT_FIELDS,
    KEYWORD_FIELDS,
    TEXT_FIELDS,
)
from index.query.ast import Range, RangeValue

__all__ = [
    "ALL_FIELDS",
    "FieldValueError",
    "Span",
    "bool_value",
    "number_value",
    "resolve_field",
    "span",
    "to_range",
]

ALL_FIELDS: frozenset[str] = frozenset(
    (*KEYWORD_FIELDS, *TEXT_FIELDS, *DATE_FIELDS, *FLOAT_FIELDS, *INT_FIELDS, *BOOL_FIELDS)
)

_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TRUE = {"true", "yes", "1", "si", "sì"}
_FALSE = {"false", "no", "0"}


class FieldValueError(SearchError):
    """A value that does not fit its field; the parser adds the position."""


# (start, end): end is exclusive; end None means the instant `start` itself.
Span = tuple[datetime, datetime | None]


def resolve_field(name: str) -> str | None:
    """Canonical field for a user-typed name, or None if unknown."""
    lowered = name.lower()
    field = FIELD_ALIASES.get(lowered, lowered)
    return field if field in ALL_FIELDS else None


def _next_month(year: int, month: int) -> datetime:
    return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)


def span(text: str) -> Span:
    """The period a written date stands for."""
    try:
        if _YEAR.match(text):
            year = int(text)
            return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        if match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            return datetime(year, month, 1, tzinfo=UTC), _next_month(year, month)
        if match := _DAY.match(text):
            start = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC)
            return start, start + timedelta(days=1)
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise FieldValueError(f"not a valid date: {text!r}") from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC), None


def number_value(field: str, text: str) -> int | float:
    """`text` as the number type of `field`."""
    try:
        return int(text) if field in INT_FIELDS else float(text)
    except ValueError as err:
        kind = "an integer" if field in INT_FIELDS else "a number"
        raise FieldValueError(f"{field} needs {kind}, not {text!r}") from err


def bool_value(field: str, text: str) -> bool:
    """`text` as a boolean (true/false, yes/no, 1/0)."""
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise FieldValueError(f"{field} needs true or false, not {text!r}")


def _bound(field: str, text: str, *, upper: bool, inclusive: bool) -> tuple[RangeValue | None, bool]:
    """One bound as (value, inclusive) after widening a date to its span."""
    if text == "*":
        return None, True
    if field not in DATE_FIELDS:
        return number_value(field, text), inclusive
    start, end = span(text)
    if end is None:
        return start, inclusive
    if upper:
        return (end, False) if inclusive else (start, False)
    return (start, True) if inclusive else (end, True)


def to_range(field: str, lower: str, upper: str, include_lower: bool, include_upper: bool) -> Range:
    """A checked `Range` on a date or number field."""
    if field not in DATE_FIELDS and field not in FLOAT_FIELDS and field not in INT_FIELDS:
        raise FieldValueError(f"ranges need a date or number field; {field} is not one")
    low, low_inc = _bound(field, lower, upper=False, inclusive=include_lower)
    high, high_inc = _bound(field, upper, upper=True, inclusive=include_upper)
    return Range(field, low, high, low_inc, high_inc)
