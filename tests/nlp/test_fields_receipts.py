"""Key-field rules on real receipts' printed lines (../shared/corpus/receipts), and on OCR-like text.

The receipts' transcripts (box/NNN.csv: a box and the text of each printed
line) stand in for OCR words, so these tests run the layout rules without
tesseract; each receipt is checked against its own key fields (key/NNN.json).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from nlp.fields import PageWords, extract_fields


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int


def receipt_fields(corpus: Path, stem: str) -> tuple[dict[str, str], dict[str, str]]:
    """(fields found on the receipt's printed lines, the receipt's key fields)."""
    receipts = corpus / "receipts"
    words: list[Word] = []
    with (receipts / "box" / f"{stem}.csv").open(encoding="utf-8", errors="replace", newline="") as file:
        for row in csv.reader(file):
            if len(row) < 9:
                continue
            xs, ys = [int(v) for v in row[0:8:2]], [int(v) for v in row[1:8:2]]
            words.append(Word(",".join(row[8:]), min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    with Image.open(receipts / "img" / f"{stem}.jpg") as image:
        width, height = image.size
    found = extract_fields([""], {1: PageWords(1, width, height, words)})
    key = json.loads((receipts / "key" / f"{stem}.json").read_text(encoding="utf-8"))
    return {f.name: f.value for f in found}, key


@pytest.mark.parametrize(
    "stem",
    [
        "167",  # "LITTLE CRAVINGS SDN BHD (562007-D)": the registration number is not part of the name
        "328",  # "GARDENIA BAKERIES (KI ) SDN BHD (139386 X)"
        "433",  # "THE TOAST F&B SDN BHD (965752-T)"
        "415",  # "99 SPEED MART S/B (519537-X)": digits in the name, the address row below is no name
    ],
)
def test_the_supplier_ends_at_its_legal_form(corpus: Path, stem: str) -> None:
    found, key = receipt_fields(corpus, stem)
    # the space OCR (or the key's transcriber: 328's key has "(KI )") put inside a parenthesis goes
    assert found["supplier"] == key["company"].replace(" )", ")")


def test_the_registered_name_wins_over_the_shop_sign_above_it(corpus: Path) -> None:
    """Receipt 147 prints its restaurant's sign first, the company (with SDN. BHD.) below it."""
    found, key = receipt_fields(corpus, "147")
    assert found["supplier"] == key["company"] == "MIZU MENTAI SDN. BHD."


@pytest.mark.parametrize("stem", ["415", "167"])
def test_the_total_is_the_amount_paid_after_rounding(corpus: Path, stem: str) -> None:
    """415: TOTAL SALES 14.38, a rounding line, ROUNDING 14.40; 167: the same with cash and change."""
    found, key = receipt_fields(corpus, stem)
    assert float(found["total"]) == pytest.approx(float(key["total"].replace("RM", "")))


def values(text: str) -> dict[str, str]:
    return {f.name: f.value for f in extract_fields([text])}


def test_total_checked_against_cash_minus_change() -> None:
    text = (
        "ALFA TRADING SDN BHD\nDATE 12/03/2018\nSUBTOTAL 28.60\nTL:RM 28.60\nGST SUMMARY AMOUNT(RM) TAX(RM)\n"
        "SR 1.20 0.07\nCASH 100.00\nCHANGE 71.40\n"
    )
    # no label the rules know ("TL") and a tax table's "AMOUNT" column: what was paid is printed
    assert values(text)["total"] == "28.60"


def test_total_label_read_by_ocr_with_a_one() -> None:
    assert values("BETA CAFE\nSUB TOTAL 9.00\nTOTA1 9.50\nCASH 10.00\nCHANGE 0.50\n")["total"] == "9.50"


def test_an_amount_right_after_the_colon_of_its_label() -> None:
    assert values("BETA CAFE\nTOTAL:9.50\nTIME 12:30\n")["total"] == "9.50"


def test_total_label_with_its_amount_on_the_payment_row_below() -> None:
    assert values("PETROL STATION\nTOTAL AMOUNT PAYABLE\nEDC MASTER RM 41.95\n")["total"] == "41.95"


def test_a_date_ocr_put_decades_ahead_loses_to_a_plausible_one() -> None:
    text = "SHOP SDN BHD\nDoc No.: CS00010527 Date: 06/03/2078\nPRINTED 06/03/2018 11:18\nTOTAL 5.00\n"
    assert values(text)["doc_date"] == "2018-03-06"


def test_sdn_bhd_as_ocr_misreads_it() -> None:
    text = "SUPER SEVEN CASH & CARRY SDN 3HD\n(1234-X)\nMR. D.I.Y. (M) SON BHD\nTOTAL 5.00\n"
    assert values(text)["supplier"] == "SUPER SEVEN CASH & CARRY SDN BHD"


def test_a_registration_number_before_the_legal_form_and_a_co_reg_row() -> None:
    text = "(CO Reg :860671-D)\nLEE WAH FLORIST (621273-W) SDN BHD\nTOTAL 5.00\n"
    assert values(text)["supplier"] == "LEE WAH FLORIST SDN BHD"


def test_a_logo_read_as_symbols_and_an_address_are_no_supplier() -> None:
    text = "| ugar î\n(TI AA\nKAWASAN PERINDUSTRIAN BALAKONG\nPASAR MINI JIN SENG\nTOTAL 5.00\n"
    assert values(text)["supplier"] == "PASAR MINI JIN SENG"


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("GARDENIA BAKERIES (KL )SDN BID (139386 X)", "GARDENIA BAKERIES (KL) SDN BHD"),
        ("99 SPEED MART 5/B (519537-X)", "99 SPEED MART S/B"),
        ("MR. D.I.Y. (N) SIN BHD", "MR. D.I.Y. (M) SDN BHD"),
        ("€ W KHOO HARDWARE SDN BHD", "C W KHOO HARDWARE SDN BHD"),
        ("| UNIHAKKA INTERNATIONAL SDN BHD", "UNIHAKKA INTERNATIONAL SDN BHD"),
        ("È = SYARIKAT PERNIAGAAN GIN KEE", "SYARIKAT PERNIAGAAN GIN KEE"),
        ("Watson’s Personal Care Stores Sdn Bhd", "Watson's Personal Care Stores Sdn Bhd"),
    ],
)
def test_the_supplier_as_ocr_misreads_it(printed: str, name: str) -> None:
    assert values(f"{printed}\nNO. 5, JALAN BESAR\nTOTAL 5.00\n")["supplier"] == name


def test_a_name_cut_after_and_goes_on_the_next_row() -> None:
    text = "HOME MASTER HARDWARE &\nELECTRICAL\nNO.113G & 115G, JALAN SETIA\nTOTAL 5.00\n"
    assert values(text)["supplier"] == "HOME MASTER HARDWARE & ELECTRICAL"


def test_a_misread_word_of_the_name_is_put_right_by_its_other_occurrences() -> None:
    rows = ["SANYO STATIONERY SHOP", "NO. 31G, JALAN SETIA", "40170 SETIA ALAM", "Tel: +603-3362 4137",
            "GST ID No: 001531760640", "TAX INVOICE", "Owned By :", "CASH SALES COUNTER",
            "SANYU SUPPLY SDN BHD", "Total 8.70", "Follow us in Facebook: Sanyu.Stationery"]  # fmt: skip
    assert values("\n".join(rows))["supplier"] == "SANYU STATIONERY SHOP"
    alone = ["MARTA CAFE", "NO. 5, JALAN BESAR", "PARTA 2.00", "Total 8.70"]  # once elsewhere is not enough
    assert values("\n".join(alone))["supplier"] == "MARTA CAFE"


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("SHOP\nSubtoiat : 15.90\nTota! Incl. of GST 16.90\nPayment : 50.00\nChange Due : 34.10\n", "15.90"),
        (
            "SHOP\nSub Total 129,30\nAmt Due 129.30\nGST @6% 7.30\nGST Summary Amount\nS=GST @6%: 122.00\n",
            "129.30",
        ),
        # two labels agree; the cash amount was misread (2.60 for 8.60)
        ("SHOP\nTotal Amount: $8.60\nNett Total: $8.60\nCASH $2.60\nChange $0.00\n", "8.60"),
        # paid exactly (no change printed): the total equal to the cash wins over a misread one
        ("SHOP\nTotal (Inclusive of GST): 38.90\nTOTAL: 38.00\nCASH : 38.00\n", "38.00"),
        ("SHOP\nSubTotal: 445.00\nTatal Inclusive GST: 165.00\n", "165.00"),  # TOTAL read as Tatal
        ("SHOP\nital After Rounding >, 85.10\nCHANGE 15,00\n", "85.10"),
        # the total's own amount lost: the amount below it is the cash; paid is cash minus change
        ("SHOP\nTOTAL\nCASH 100.00\nCHANGE 24. 30\n", "75.70"),
        # a summary row printed twice is one label, not two agreeing ones
        (
            "SHOP\nTOTAL 0% SUPPLIES: 39.01\nTOTAL 6% SUPPLIES: -18.80\nTOTAL 0% SUPPLIES: 39.01\n"
            "TOTAL PAYABLE: 20.21\n",
            "20.21",
        ),
    ],
)
def test_totals_as_ocr_reads_them(text: str, total: str) -> None:
    assert values(text)["total"] == total


def test_a_product_code_read_as_a_date_far_ahead_is_no_document_date() -> None:
    assert "doc_date" not in values("SHOP SDN BHD\nRC11-23-42 - 12/144\nTOTAL 5.00\n")


def test_a_misread_year_is_repaired() -> None:
    assert (
        values("SHOP SDN BHD\nDoc No. CS00011904 Date: 17/04/2078\nTOTAL 5.00\n")["doc_date"] == "2018-04-17"
    )


def test_the_shop_is_the_supplier_not_the_company_that_owns_it() -> None:
    text = "SANYU STATIONERY SHOP\nNO. 31G, JALAN SETIA\nOwned By : TAX INVOICE\nSANYU SUPPLY SDN BHD"
    assert values(text + "\nTotal 8.70\n")["supplier"] == "SANYU STATIONERY SHOP"


def test_a_legal_form_alone_is_no_name() -> None:
    text = "BHD\nIGHTROOM GALL\nJALAN ASTANA\nPASAR MINI JIN SENG\nTOTAL 5.00\n"
    assert values(text)["supplier"] == "IGHTROOM GALL"


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # OCR lost the total's leading digit: sub-total + tax - rounding ends as it does
        ("SHOP\nSUB-TOTAL (EX) ; 26.00\nTOTAL TAX : 1.56\nROUNDING : -0.01\nTOTAL 7.55\nCASH 5\n", "27.55"),
        # a total below the sub-total after a printed discount is the discounted amount
        ("SHOP\nSub-Total : 60.60\nCoupon Discount : 27.60\nGrand Total : 33.00\n", "33.00"),
        # nothing the receipt adds up to ends as the total does: it stays
        ("SHOP\nSUBTOTAL 26.00\nTAX 1.56\nTOTAL 7.40\n", "7.40"),
    ],
)
def test_a_total_that_lost_its_leading_digit(text: str, total: str) -> None:
    assert values(text)["total"] == total


@pytest.mark.parametrize(
    ("rows", "name"),
    [
        # a logo read as letters above the name: the row above the registration number is the name
        (["dali - . J 7 ae", "3 IR ol OlF", "SYARIKAT PERNIAGAAN GIN KEE", "(81109-A)",
          "NO 290, JALAN AIR PANAS,"], "SYARIKAT PERNIAGAAN GIN KEE"),
        (["Omoa,", "LAVENDER CONFECTZONERY & BAKERY S/R", "COMPARY NO: 499702-V", "LOT G29 & G30, AEON Mall"],
         "LAVENDER CONFECTIONERY & BAKERY S/B"),
        # an address above the registration row: the row above it is the country, the name is at the top
        (["GL HANDICRAFT & TAILORING", "19, JALAN KANCIL,", "55100 KUALA LUMPUR", "MALAYSIA",
          "Company Reg No. (7549544"], "GL HANDICRAFT & TAILORING"),
    ],
)  # fmt: skip
def test_the_name_above_the_registration_number(rows: list[str], name: str) -> None:
    assert values("\n".join([*rows, "TOTAL 2.12"]))["supplier"] == name


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("SHOP\nINV No.: 1126475\nDate : 05- 05 18 25:29\nTOTAL 19.40\n", "2018-05-05"),  # a separator lost
        ("SHOP\nCash Inv No.: 7003F710\nVEG Date: 08/10/00]\nDD: 08/10/2017 12:11\n", "2017-10-08"),
        ("SHOP\nCash : 766.90\nChange ; 1.30\n6/2/0017 12:42 PN\n", "2017-02-06"),  # 2 read as 0
    ],
)
def test_dates_as_ocr_reads_them(text: str, day: str) -> None:
    assert values(text)["doc_date"] == day


def test_a_space_between_day_month_and_year_is_no_date_without_a_label() -> None:
    assert "doc_date" not in values("SHOP\nQTY 05- 05 18\nTOTAL 19.40\n")


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # no total label: cash - change is what the items add up to
        ("SHOP\nOriginal Slice 2 RM26,00\nDoubleChoc Slice 1 RM13,00\n(Bill Inclusive of 6% GST : RM2.21)\n"
         "Cash RM50.00\nChange RM11.00\n", "39.00"),
        # the cash under its label, no change: the items add up to it
        ("SHOP\n09/03/2018 21:28 0001\nOPT.O& RM 149.00\nDPI.O4 RK 21.00\nCASH\nRM 170. 00\n", "170.00"),
        # an unlabelled amount that is the sum of the amounts above it
        ("SHOP\nSALTED F.RICE 8,50\n@FRIED EGG 1.80\nSOYA CINCAU 4,30\n14.60\n", "14.60"),
        # a note in parentheses of the tax included is no total
        ("SHOP\nKAYA PUFF 6.40\nSLICE CAK 8.70\nCHEESE TA 2.45\nQTY 3 17.55\nCHANGE 0.00\n"
         "(TOTAL INCLUDED GST @ 6% : 0.99)\n", "17.55"),
    ],
)  # fmt: skip
def test_a_total_from_the_amounts_that_add_up(text: str, total: str) -> None:
    assert values(text)["total"] == total


def test_no_total_when_nothing_adds_up() -> None:
    assert "total" not in values("SHOP\nRICE 8.50\nEGG 1.80\nCash RM50.00\nChange RM11.00\n")


def test_a_counter_before_the_name() -> None:
    text = "1802044\n#000002 BAIFU (M) Sdn Bhd\nCOMPANY NO(814198-X)\nDAISO JAPAN, IOI MALL\nTOTAL 5.00\n"
    assert values(text)["supplier"] == "BAIFU (M) Sdn Bhd"
