"""Total and date rules of issue 15 (session 36): labels a receipt prints, arithmetic that catches OCR.

Short receipts written here test each rule on its own; the SROIE development receipts' printed lines
(read at test time from the cache bench/fields.py --sroie uses, when it is there) test them on real
receipts, each against its own key.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from nlp.fields import PageWords, extract_fields


def fields(*lines: str) -> dict[str, str]:
    return {f.name: f.value for f in extract_fields(["\n".join(lines)])}


def test_a_column_head_is_no_total_label() -> None:
    found = fields(
        "DESCRIPTION AMOUNT",
        "W/ENV4.5*9.5 1.90 T",
        "UNI P&S ENV 4.5X9.75 2.10 T",
        "TOTAL RM INCL. OF GST 4.00",
        "CASH 10.00",
    )
    assert found["total"] == "4.00"  # was 9.50: the item under "AMOUNT"


def test_total_in_parentheses_beats_the_tax_it_includes() -> None:
    found = fields(
        "TAKEOUT TOTAL (INCL GST) 70.30",
        "CHANGE 0.00",
        "TOTAL INCLUDES 6% GST 3.98",
    )
    assert found["total"] == "70.30"


def test_amount_paid_including_tax_is_the_total_not_the_tax_summary() -> None:
    found = fields(
        "AMT PAID INCL. GST : RM78.30",
        "AMT PAID EXCL. GST :RM 73.87",
        "GST AMT : RM4.43",
        "SR(6%) 73.87 4.43",
        "TOTAL 73.87 4.43",
    )
    assert found["total"] == "78.30"


def test_the_amount_a_machine_accepted_is_cash() -> None:
    found = fields(
        "010100 PAY PARKING TICKET 5.00 RM",
        "AMOUNT INCL. GST 5.00 RM",
        "ACCEPTED TOTAL 10.00 RM",
        "CHANGE 5.00 RM",
    )
    assert found["total"] == "5.00"


def test_due_and_pay() -> None:
    found = fields("QTY 1 7.50", "ROUNDING ADJ 0.00", "DUE 7.50", "PAY 20.00", "CHANGE 12.50")
    assert found["total"] == "7.50"


def test_the_amount_paid_that_lost_its_leading_digit() -> None:
    found = fields(
        "Gross Amount : 40.00",
        "Total GST Amt : 2.40",
        "Sub Total 42,40",
        "Amount Paid : 2.40",
        "Amount Change : 0.00",
    )
    assert found["total"] == "42.40"


def test_a_total_digit_misread_when_two_sums_agree() -> None:
    receipt = [
        "Sub-Total : 45.70",
        "Coupon Discount : 14.80",
        "Grand Total : 30.50",
        "Payment : 101.00",
        "Change Due : 70.10",
    ]
    assert fields(*receipt)["total"] == "30.90"
    # only the payment disagrees (its change may be the misread one): the total as printed
    assert fields(*receipt[2:])["total"] == "30.50"


def test_the_rounding_is_no_misread_digit() -> None:
    found = fields("SUB TOTAL 38.37", "TOTAL 38.37", "ROUNDING -0.02", "CASH 50.00", "CHANGE 11.65")
    assert found["total"] == "38.37"


def test_dates_printed_without_separators() -> None:
    assert fields("DATE/TIME : 20180428/191204", "TOTAL 19.99")["doc_date"] == "2018-04-28"
    assert fields("SUBTOTAL RM41.45", "00440010036 25032018 13:11:54 0003 IKA")["doc_date"] == "2018-03-25"
    # eight digits with no date label and no time: a code
    assert "doc_date" not in fields("REF 20180428", "TOTAL 19.99")


def test_a_product_code_is_no_date_and_a_spaced_time_marks_the_sale() -> None:
    found = fields(
        "PAPER CLIP 8PCS NO4 *S",
        "MI11/3-21 - 12/480",
        "TOTAL INCL. GST@6% RM 53.30",
        "16-03-18 13 : 49 SH01 B026 T2 R000178141",
    )
    assert found["doc_date"] == "2018-03-16"


# SROIE's development receipts (bench/fields.py --sroie), none of them one of the 99 evaluation receipts
_SROIE = Path(os.environ.get("FALDONE_SROIE", "/work/.cache/sroie/data"))


@dataclass(frozen=True)
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int


def _printed_lines_fields(stem: str) -> tuple[dict[str, str], dict[str, str]]:
    words: list[_Word] = []
    with (_SROIE / "box" / f"{stem}.csv").open(encoding="utf-8", errors="replace", newline="") as file:
        for row in csv.reader(file):
            if len(row) >= 9:
                xs, ys = [int(v) for v in row[0:8:2]], [int(v) for v in row[1:8:2]]
                words.append(_Word(",".join(row[8:]), min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    with Image.open(_SROIE / "img" / f"{stem}.jpg") as image:
        width, height = image.size
    found = extract_fields([""], {1: PageWords(1, width, height, words)})
    key = json.loads((_SROIE / "key" / f"{stem}.json").read_text(encoding="utf-8", errors="replace"))
    return {f.name: f.value for f in found}, key


@pytest.mark.skipif(not (_SROIE / "key").is_dir(), reason="SROIE development set not in the cache")
@pytest.mark.parametrize(
    ("stem", "total"),
    [
        ("193", "4.00"),  # "DESCRIPTION AMOUNT" over the items
        ("246", "7.50"),  # "DUE 7.50", "PAY 20.00"
        ("381", "111.90"),  # "AMT PAID INCL GST : RM111.90", "TOTAL 105.57 6.33"
        ("397", "78.30"),
        ("466", "70.30"),  # "TAKEOUT TOTAL (INCL GST)", "TOTAL INCLUDES 6% GST 3.98"
        ("584", "5.00"),  # "ACCEPTED TOTAL 10.00 RM", "CHANGE 5.00 RM"
    ],
)
def test_totals_on_development_receipts(stem: str, total: str) -> None:
    found, key = _printed_lines_fields(stem)
    assert found["total"] == total
    assert key["total"].replace("RM", "").strip() == total


@pytest.mark.skipif(not (_SROIE / "key").is_dir(), reason="SROIE development set not in the cache")
@pytest.mark.parametrize(
    ("stem", "day"),
    [("172", "2018-03-16"), ("314", "2018-04-28"), ("152", "2018-03-25")],
)
def test_dates_on_development_receipts(stem: str, day: str) -> None:
    found, _ = _printed_lines_fields(stem)
    assert found["doc_date"] == day
