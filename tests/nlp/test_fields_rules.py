"""Key-field rules on word boxes and on plain text, and the document type (nlp.fields)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nlp.fields import PageWords, document_type, extract_fields
from nlp.fields.corrections import apply_field, normalise_field
from nlp.fields.names import corrected_name


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int


def line(y: int, *items: tuple[int, str]) -> list[Word]:
    return [Word(text, x, y, 12 * len(text), 20) for x, text in items]


def values(fields: list[object]) -> dict[str, str]:
    return {f.name: f.value for f in fields}  # type: ignore[attr-defined]


def test_label_at_the_left_margin_and_amount_at_the_right_one_are_one_row() -> None:
    words = [
        *line(10, (40, "ROSSI"), (120, "S.R.L.")),
        *line(40, (40, "P.IVA"), (120, "01234560017")),
        *line(70, (40, "Data:"), (120, "30-"), (160, "06-"), (200, "2018")),
        *line(100, (40, "SUBTOTAL"), (400, "50,00")),
        *line(131, (40, "TOTALE"), (401, "€"), (420, "61,00")),  # a pixel lower: another tesseract line
        *line(160, (40, "CONTANTI"), (400, "100,00")),
    ]
    found = extract_fields([" ".join(w.text for w in words)], {1: PageWords(1, 600, 800, words)})
    got = values(found)  # type: ignore[arg-type]
    assert got["total"] == "61.00" and got["currency"] == "EUR"
    assert got["doc_date"] == "2018-06-30"
    assert got["supplier"] == "ROSSI S.R.L."
    assert got["supplier_vat"] == "IT01234560017"
    total = next(f for f in found if f.name == "total")
    assert total.box is not None and (total.box.x, total.box.y, total.box.page) == (401, 131, 1)
    assert total.source == "layout"


def test_plain_text_invoice() -> None:
    text = (
        "Alfa Servizi S.p.A.\nVia Roma 1, 00100 Roma\nP.IVA 01234560017\n"
        "Spett.le Beta S.r.l.\nFattura n. 2024/118 del 12/03/2024\n"
        "Imponibile 1.000,00\nIVA 22% 220,00\nTotale documento EUR 1.220,00\n"
        "Scadenza pagamento: 11/04/2024\nIBAN IT60 X054 2811 1010 0000 0123 456\n"
    )
    got = values(extract_fields([text]))  # type: ignore[arg-type]
    assert got == {
        "doc_date": "2024-03-12",
        "due_date": "2024-04-11",
        "total": "1220.00",
        "supplier": "Alfa Servizi S.p.A.",
        "supplier_vat": "IT01234560017",
        "number": "2024/118",
        "iban": "IT60X0542811101000000123456",
        "tax": "220.00",
        "currency": "EUR",
    }
    assert document_type(text, "application/pdf", {}, list(got)) == "invoice"


def test_document_types() -> None:
    letter = "Spett.le Rossi,\ncon la presente... Cordiali saluti\nMario Bianchi"
    contract = "Contratto di fornitura tra le parti. Articolo 1 ... Articolo 2 clausola di recesso"
    assert document_type(letter) == "letter"
    assert document_type(contract) == "contract"
    assert document_type("Subject: hi", "message/rfc822") == "email"
    assert document_type("NOTA DI CREDITO n. 5 Totale 10,00", "", {}, ["total"]) == "credit_note"
    assert document_type("CASH 20.00 CHANGE 5.00 THANK YOU", "", {}, ["total"], (600, 1500)) == "receipt"
    assert document_type("Una pagina qualsiasi di testo.") == "other"


def test_user_correction_keeps_the_box_and_wins() -> None:
    metadata: dict[str, object] = {
        "fields": [{"name": "total", "value": "7.00", "confidence": 0.7, "source": "layout",
                    "box": {"page": 1, "x": 1, "y": 2, "w": 3, "h": 4, "page_width": 10, "page_height": 20}}]
    }  # fmt: skip
    apply_field(metadata, "total", normalise_field("total", "RM 1.234,50"))
    stored: list[dict[str, Any]] = metadata["fields"]  # type: ignore[assignment]
    total = stored[0]
    assert len(stored) == 1
    assert total["value"] == "1234.50" and total["source"] == "user" and total["confidence"] == 1.0
    assert total["box"]["x"] == 1
    assert normalise_field("doc_date", "01-NOV-2017") == "2017-11-01"


def test_business_words_of_a_name_are_put_right() -> None:
    """One misread letter of a business word, a word split by OCR, a space inside a parenthesis."""
    assert corrected_name("99 SPEED HART S/B") == "99 SPEED MART S/B"
    assert corrected_name("SKCA HARDKARE & TIMBER") == "SKCA HARDWARE & TIMBER"
    assert corrected_name("SANYO ST. ATIONERY SHOP") == "SANYO STATIONERY SHOP"
    assert corrected_name("GARDENIA BAKERIES (KL ) SDN BHD") == "GARDENIA BAKERIES (KL) SDN BHD"
    assert corrected_name("Ferramenta Rossi S.r.l.") == "Ferramenta Rossi S.r.l."
    # real words are left alone: "CARE" is not "CAKE", two business words are not joined
    assert corrected_name("PERSONAL CARE STORES") == "PERSONAL CARE STORES"
    assert corrected_name("POPULAR BOOK STORE") == "POPULAR BOOK STORE"


@dataclass(frozen=True)
class LineWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    line: int


def test_a_line_ocr_read_as_one_is_not_mixed_with_the_skewed_line_beside_it() -> None:
    """On a skewed scan two printed lines overlap in height; OCR's own lines keep their words apart."""
    words = [
        LineWord("OPERATOR", 300, 100, 100, 20, 0),
        LineWord("TRAINEE", 420, 104, 90, 20, 0),
        LineWord("30-", 40, 112, 36, 20, 1),
        LineWord("04-18", 90, 110, 60, 20, 1),
        LineWord("18:17", 300, 120, 60, 20, 1),
        LineWord("TOTAL", 40, 200, 60, 20, 2),
        LineWord("5.00", 500, 201, 50, 20, 3),  # the amount at the right margin, a line of its own
    ]
    found = {f.name: f.value for f in extract_fields([""], {1: PageWords(1, 600, 400, words)})}
    assert found["doc_date"] == "2018-04-30"
    assert found["total"] == "5.00"


def test_no_change_makes_the_cash_the_total_over_a_misread_label() -> None:
    text = "SUB-TOTAL 144.68\nTOTAI\n13.38\nCASH 153.35\nCHANGE 0.00"
    assert text_fields(text)["total"] == "153.35"
    # after a full label the printed total is trusted over a misread cash amount
    text = "SUB TOTAL 14.00\nNET TOTAL 14.85\nCash 14.65\nCHANGE 0.00"
    assert text_fields(text)["total"] == "14.85"


def test_a_tax_summary_row_is_no_total_and_cash_without_change_is_one() -> None:
    text = "Total 0% supplies: 35.14\nTotal 6% supplies: 38.41\nTotal Pays. 9: 73,55"
    assert text_fields(text)["total"] == "73.55"
    text = "4x 38.00 RM152.00\nSUBTOTAL RM152.00\nCASH RM152.00"
    assert text_fields(text)["total"] == "152.00"


def test_a_date_read_only_month_first_loses_to_a_day_first_one() -> None:
    text = "Date: 01/19/2017\nDD: 01/10/2017 11:07"
    assert text_fields(text)["doc_date"] == "2017-10-01"
    assert text_fields("Date: 12/25/2024")["doc_date"] == "2024-12-25"


def text_fields(text: str) -> dict[str, str]:
    return {f.name: f.value for f in extract_fields([text])}
