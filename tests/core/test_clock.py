"""One time helper: naive means UTC, the catalog stores naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from core.clock import naive_utc, utc, utcnow

ROME_WINTER = timezone(timedelta(hours=1))


def test_naive_is_utc_and_aware_is_converted() -> None:
    assert utc(datetime(2024, 3, 1, 12)) == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert utc(datetime(2024, 3, 1, 13, tzinfo=ROME_WINTER)) == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert naive_utc(datetime(2024, 3, 1, 13, tzinfo=ROME_WINTER)) == datetime(2024, 3, 1, 12)
    assert naive_utc(None) is None


def test_now_is_naive_utc() -> None:
    now = utcnow()
    assert now.tzinfo is None
    assert abs(utc(now) - datetime.now(UTC)) < timedelta(seconds=5)
