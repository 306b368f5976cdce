"""Total and date rules of issue 15 (session 36): labels a receipt prints, arithmetic that catches OCR.

Short receipts written here test each rule on its own. The rules were written on SROIE's development
receipts (`bench/fields.py --sroie`, a cache outside the repository); their effect on real receipts is
measured there and on the 99 of ../shared/corpus/receipts (bench/README.md, "Key fields"), not here:
a test that reads a local cache would skip on every other machine.
"""

from __future__ import annotations

from nlp.fields import extract_fields


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
