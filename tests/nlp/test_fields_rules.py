"""Key-field rules on word boxes and on plain text, and the document type (nlp.fields)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nlp.fields import PageWords, document_type, extract_fields
from nlp.fields.corrections import apply_field, normalise_field


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
