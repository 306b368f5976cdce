"""FatturaPA e-invoices: every real sample yields its supplier, number, date and total."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.document import Document
from core.settings import Settings
from index.fields import document_fields
from ingest.detect import detect_mime
from ingest.errors import CorruptDocument
from ingest.extractors.base import Source
from ingest.extractors.fatturapa import FATTURAPA_MIME, FatturaPAExtractor
from tests.ingest._italian_support import ITALIAN, tree

FPA = ITALIAN / "fatturapa"

# (file, [(supplier VAT, number, date, total, TipoDocumento) per body], total written in the file?)
# Read by hand from each file; a total not written in the file (no ImportoTotaleDocumento)
# is taxable + VAT of its DatiRiepilogo, or the sum of Importo for a simplified invoice.
SAMPLES: list[tuple[str, list[tuple[str, str, str, float, str]], bool]] = [
    ("official/IT01234567890_FPA01.xml", [("IT01234567890", "123", "2017-01-18", 6.10, "TD01")], False),
    ("official/IT01234567890_FPA02.xml", [("IT01234567890", "123", "2017-01-18", 30.50, "TD01")], False),
    (
        "official/IT01234567890_FPA03.xml",
        [
            ("IT01234567890", "12", "2017-01-18", 30.50, "TD01"),
            ("IT01234567890", "456", "2017-01-20", 2440.00, "TD01"),
        ],
        False,
    ),
    ("official/IT01234567890_FPR01.xml", [("IT01234567890", "123", "2014-12-18", 6.10, "TD01")], False),
    ("official/IT01234567890_FPR02.xml", [("IT01234567890", "123", "2014-12-18", 30.50, "TD01")], False),
    (
        "official/IT01234567890_FPR03.xml",
        [
            ("IT01234567890", "123", "2014-12-18", 32.95, "TD01"),
            ("IT01234567890", "456", "2014-12-20", 2440.00, "TD01"),
        ],
        False,
    ),
    (
        "real-world/ZGEXQROO37831_anonimizzata.xml",
        [("IT12345670017", "17606", "2022-03-10", 109.80, "TD01")],
        True,
    ),
    ("real-world/IT02780790107_11004.xml", [("IT02780790107", "123", "2014-12-18", 41.48, "TD01")], False),
    (
        "real-world/IT06363391001_00003.xml",
        [("IT06363391001", "INV/2016/0015", "2016-06-15", 17.08, "TD01")],
        True,
    ),
    (
        "real-world/IT05979361218_no_decl.xml",
        [
            ("IT02780790107", "14201", "2014-12-18", 30.50, "TD01"),
            ("IT02780790107", "14202", "2014-12-20", 2440.00, "TD01"),
        ],
        False,
    ),
    (
        "real-world/ITBNCMRA80A01D548T_20001.xml",
        [("IT01484710387", "001", "2020-10-25", 122.91, "TD01")],
        True,
    ),
    ("real-world/IT02780790107_11009.xml", [("IT02780790107", "16", "2022-07-16", 272.23, "TD07")], False),
    (
        "real-world/IT01234567890_x05mX.xml",
        [("GB99999999999", "BEXS/2022/0009", "2022-07-21", 661.24, "TD17")],
        True,
    ),
    (
        "real-world/IT08973230967_6zZcm.xml",
        [("IT02581610249", "IT23-94115I-790", "2023-08-07", 28.40, "TD01")],
        True,
    ),
    (
        "real-world/IT02182030391_32.windows-1252.xml",
        [
            ("IT12345678901", "3", "2017-01-27", 174.80, "TD06"),
            ("IT12345678901", "4", "2017-01-27", 174.80, "TD06"),
        ],
        True,
    ),
    ("real-world/IT01234567890_FSM10.xml", [("IT01234567890", "123", "2019-01-01", 25.00, "TD07")], False),
    (
        "real-world/ESEMPIO NDC SEMPL.xml",
        [("IT00444448888", "987354321", "2019-03-30", 63.90, "TD08")],
        False,
    ),
    ("real-world/ESEMPIO TD24.xml", [("IT03012345678", "90", "2021-02-24", 3214.29, "TD24")], True),
]


def test_every_sample_is_listed() -> None:
    listed = {name for name, _, _ in SAMPLES}
    on_disk = {str(p.relative_to(FPA)) for p in FPA.glob("*/*.xml")}
    assert on_disk == listed


def _invoices(docs: list[Document]) -> list[Document]:
    return [d for d in docs if "invoice" in d.metadata]


@pytest.mark.parametrize(("name", "expected", "written"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_yields_its_invoices(
    name: str, expected: list[tuple[str, str, str, float, str]], written: bool, settings: Settings
) -> None:
    path = FPA / name
    assert detect_mime(path.read_bytes(), path.name) == FATTURAPA_MIME
    outcome = tree(path, settings)
    assert outcome.error is None
    invoices = _invoices(outcome.documents)
    got = [
        (
            d.metadata["invoice"]["supplier"]["vat"],
            d.metadata["invoice"]["number"],
            d.metadata["invoice"]["date"],
            d.metadata["invoice"]["total"],
            d.metadata["invoice"]["document_type"],
        )
        for d in invoices
    ]
    assert got == [(vat, num, date, pytest.approx(total), kind) for vat, num, date, total, kind in expected]
    for doc in invoices:
        invoice = doc.metadata["invoice"]
        assert invoice["total_computed"] is not written
        assert any("total is" in w for w in doc.warnings) is not written
        assert doc.date is not None and doc.date.date().isoformat() == invoice["date"]
        assert invoice["supplier"]["name"]
        text = doc.text
        assert invoice["number"] in text and "Fornitore" in text and "Totale documento" in text
        fields = document_fields(doc)
        assert fields["supplier_vat"] == invoice["supplier"]["vat"]
        assert fields["invoice_total"] == pytest.approx(invoice["total"])
        assert fields["type"] == "invoice"
    if len(expected) > 1:
        root = outcome.documents[0]
        assert root.metadata["invoice_batch"]["count"] == len(expected)
        assert [d.metadata["position"] for d in invoices] == [
            f"body/{n}" for n in range(1, len(expected) + 1)
        ]
        assert all(d.parent_id == root.id for d in invoices)


def test_invoice_details_of_the_official_b2b_example(settings: Settings) -> None:
    doc = _invoices(tree(FPA / "official/IT01234567890_FPR01.xml", settings).documents)[0]
    invoice = doc.metadata["invoice"]
    assert invoice["format"] == "FPR12"
    assert invoice["supplier"]["name"] == "SOCIETA' ALPHA SRL"
    assert invoice["supplier"]["address"] == "VIALE ROMA 543, 07100 SASSARI (SS), IT"
    assert invoice["customer"]["codice_fiscale"] == "09876543210"
    assert invoice["recipient_code"] == "ABC1234"
    assert invoice["vat_summary"] == [
        {"rate": 22.0, "nature": "", "taxable": 5.0, "tax": 1.1, "chargeability": "I"}
    ]
    assert invoice["lines"][0]["description"] == "DESCRIZIONE DELLA FORNITURA"
    assert invoice["payments"][0]["due_date"] == "2015-01-30"
    assert invoice["payments"][0]["method"] == "MP01"
    assert "Causale" not in doc.text or invoice["causale"]
    assert "Totale documento: 6,10 EUR (calcolato dal riepilogo)" in doc.text


def test_payment_iban_and_causale(settings: Settings) -> None:
    doc = _invoices(tree(FPA / "real-world/ZGEXQROO37831_anonimizzata.xml", settings).documents)[0]
    invoice = doc.metadata["invoice"]
    assert invoice["customer"]["vat"] == "IT11531111117"
    assert invoice["customer"]["name"] == "Mkt s.r.l."
    assert [p["amount"] for p in invoice["payments"]] == [pytest.approx(109.80)]
    assert all(p["iban"].startswith("IT") for p in invoice["payments"] if p["iban"])


def test_attachments_become_children(settings: Settings) -> None:
    docs = tree(FPA / "real-world/IT06363391001_00003.xml", settings).documents
    invoice = docs[0]
    assert invoice.metadata["invoice"]["attachments"] == ["test1.pdf", "test2.pdf"]
    children = [d for d in docs if d.parent_id == invoice.id]
    assert [(c.filename, c.mime_type, c.metadata["position"]) for c in children] == [
        ("test1.pdf", "application/pdf", "allegato/1"),
        ("test2.pdf", "application/pdf", "allegato/2"),
    ]
    png = tree(FPA / "real-world/IT02780790107_11004.xml", settings).documents
    assert [(d.filename, d.mime_type) for d in png[1:]] == [("test.png", "image/png")]


def test_truncated_xml_is_indexed_as_text_with_a_warning(settings: Settings, tmp_path: Path) -> None:
    data = (FPA / "official/IT01234567890_FPR01.xml").read_bytes()
    broken = tmp_path / "IT01234567890_FPR01.xml"
    broken.write_bytes(data[: len(data) // 2])
    assert detect_mime(broken.read_bytes(), broken.name) == FATTURAPA_MIME
    outcome = tree(broken, settings)
    assert outcome.error is None
    [doc] = outcome.documents
    assert "invoice" not in doc.metadata
    assert any("not well-formed" in w and "plain text" in w for w in doc.warnings)
    assert "SOCIETA' ALPHA SRL" in doc.text
    assert document_fields(doc)["supplier_vat"] == ""


def test_malformed_xml_is_text_and_a_hostile_dtd_is_refused(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<p:FatturaElettronica xmlns:p='x'><FatturaElettronicaHeader></p:FatturaElettronica>")
    [doc] = tree(bad, settings).documents
    assert any("not well-formed" in w for w in doc.warnings)
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<FatturaElettronica>&b;</FatturaElettronica>"
    )
    source = Source(path=bomb, filename=bomb.name, mime_type=FATTURAPA_MIME, settings=settings)
    with pytest.raises(CorruptDocument, match="forbidden XML"):  # hostile: quarantined, not read as text
        FatturaPAExtractor().extract(source)
    empty = tmp_path / "nobody.xml"
    empty.write_bytes(
        b"<FatturaElettronica versione='FPR12'><FatturaElettronicaHeader/></FatturaElettronica>"
    )
    [doc] = tree(empty, settings).documents
    assert any("no FatturaElettronicaBody" in w for w in doc.warnings)


def test_plain_xml_is_not_fatturapa() -> None:
    assert detect_mime(b'<?xml version="1.0"?><catalog><item/></catalog>', "x.xml") == "application/xml"
    assert detect_mime(b"<ns2:FatturaElettronica xmlns:ns2='u'/>", "x.xml") == FATTURAPA_MIME
