"""Dates and amounts as invoices and receipts print them (nlp.fields.values)."""

from __future__ import annotations

from datetime import date

import pytest

from nlp.fields.values import find_amounts, find_dates, find_ocr_dates


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("DATE: 30- 06- 2018 12:00", "2018-06-30"),  # OCR puts spaces after separators
        ("08/ 10/2017", "2017-10-08"),
        ("01-NOV-2017", "2017-11-01"),
        ("19-03-18", "2018-03-19"),  # dd-mm-yy
        ("21/02/18 11:05", "2018-02-21"),
        ("15/APR/2017", "2017-04-15"),
        ("02 APR 2018", "2018-04-02"),
        ("OCT 3, 2016", "2016-10-03"),
        ("Data 3 marzo 2024", "2024-03-03"),
        ("del 12.03.2024", "2024-03-12"),
        ("2024-03-12", "2024-03-12"),
        ("5/3/2018", "2018-03-05"),  # day first
        ("12/25/2024", "2024-12-25"),  # 25 cannot be a month: month first
        ("1 settembre 2023", "2023-09-01"),
        ("March 5th, 2024", "2024-03-05"),
    ],
)
def test_dates(printed: str, iso: str) -> None:
    found = find_dates(printed)
    assert [d.value.isoformat() for d in found] == [iso]


@pytest.mark.parametrize("printed", ["TEL : 03-7731 8169", "31/02/2018", "GST ID : 002046390272", "12:30:45"])
def test_not_dates(printed: str) -> None:
    assert find_dates(printed) == []


@pytest.mark.parametrize(
    ("printed", "value", "currency"),
    [
        ("TOTAL RM54.50", 54.5, "MYR"),
        ("Totale € 1.234,56", 1234.56, "EUR"),
        ("1,234.56 EUR", 1234.56, "EUR"),
        ("TOTAL: 43.7", 43.7, ""),
        ("Importo 12,00", 12.0, ""),
        ("$8.20", 8.2, "USD"),
        ("ROUNDING -0.02", -0.02, ""),
    ],
)
def test_amounts(printed: str, value: float, currency: str) -> None:
    found = find_amounts(printed)
    assert len(found) == 1
    assert found[0].value == pytest.approx(value)
    assert found[0].currency == currency
    assert found[0].decimals


def test_dates_and_times_are_not_amounts() -> None:
    assert [a.value for a in find_amounts("06/03/2018 12:06:00 TOTAL 54.50")] == [54.5]


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("Date: 17/04/2078", "2018-04-17"),  # a 1 read as 7: the year cannot be
        ("Date: 05/09/2617", "2017-09-05"),  # a 0 read as 6
        ("001-2918-03-18 13:21:02", "2018-03-18"),  # a 0 read as 9, inside a longer code
        ("O5/O9/2O17", "2017-09-05"),  # letters that look like digits
        ("Date i 23- “06- 2018", "2018-06-23"),  # a speck read as a quote
        ("Q1-Nov-2017_11:20:04AM", "2017-11-01"),
    ],
)
def test_dates_as_ocr_garbles_them(printed: str, iso: str) -> None:
    found = find_ocr_dates(printed, date(2027, 12, 1))
    assert [d.value.isoformat() for d in found] == [iso]
    assert found[0].repaired
    assert find_dates(printed) == [] or find_dates(printed)[0].value.isoformat() != iso


def test_dates_read_right_are_kept_as_printed() -> None:
    found = find_ocr_dates("DATE 12/03/2018 10:00 TOTAL 5.00", date(2027, 12, 1))
    assert [(d.value.isoformat(), d.repaired) for d in found] == [("2018-03-12", False)]


@pytest.mark.parametrize("printed", ["99 SPEED MART S/B", "TEL 03-87686092", "SDN BHD 2017", "I/O 12-B"])
def test_words_and_codes_are_no_dates_however_ocr_reads_them(printed: str) -> None:
    assert find_ocr_dates(printed, date(2027, 12, 1)) == []


def test_a_year_run_into_the_time_after_it() -> None:
    assert [d.value.isoformat() for d in find_dates("Date: 09/01/20198:01:11PM")] == ["2019-01-09"]
    assert find_dates("12/03/20181") == []
