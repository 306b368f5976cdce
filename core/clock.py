"""The one time helper: what "now" and "in UTC" mean everywhere in Faldone.

The catalog stores naive UTC (SQLite keeps no time zones); engines and answers
work with aware UTC. A naive datetime is always taken to be UTC already.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["naive_utc", "now", "utc", "utcnow"]


def now() -> datetime:
    """Aware UTC now: what engines, answers and file names use."""
    return datetime.now(UTC)


def utcnow() -> datetime:
    """Naive UTC now: what the catalog stores."""
    return now().replace(tzinfo=None)


def utc(moment: datetime) -> datetime:
    """`moment` in UTC, aware; a naive datetime is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def naive_utc(moment: datetime | None) -> datetime | None:
    """`moment` as the catalog stores it: naive UTC (None stays None)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
