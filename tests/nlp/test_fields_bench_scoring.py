"""How `bench/fields.py` reads SROIE's keys: the key's date as a calendar day, however SROIE wrote it."""

from __future__ import annotations

from bench.fields import key_date, score_fields


def test_printed_key_dates_are_read_day_first() -> None:
    assert key_date("21/05/2018") == "2018-05-21"
    assert key_date("17-04-16") == "2016-04-17"
    assert key_date("14 MAY 2018") == "2018-05-14"


def test_eight_digit_keys_are_the_day_they_name() -> None:
    """SROIE writes a few keys as the receipt prints them: "DATE/TIME : 20180428/191204", "25032018 13:11"."""
    assert key_date("20180428") == "2018-04-28"  # year first
    assert key_date("25032018") == "2018-03-25"  # day first: 2503 is no year of a receipt
    assert key_date("20180304") == "2018-03-04"
    assert score_fields({"date": "20180428"}, {"doc_date": "2018-04-28"})["date"]


def test_digits_that_are_no_day_stay_as_they_are() -> None:
    assert key_date("12345678") == "12345678"
    assert key_date("20181399") == "20181399"  # month 13, and no day-first reading either
    assert not score_fields({"date": "12345678"}, {"doc_date": "1234-56-78"})["date"]
