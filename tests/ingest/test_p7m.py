"""Signed files (.p7m): every real sample unwraps to its invoice with the signer recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from index.fields import document_fields
from ingest.detect import detect_mime
from ingest.italian.cades import unwrap
from tests.ingest._italian_support import ITALIAN, tree

SIGNED = ITALIAN / "fatturapa" / "signed"

# file -> (signer CN, codice fiscale, encoding, inner file, supplier VAT of the inner invoice(s), numbers),
# read from each file (the inner XML via `openssl cms -verify -noverify`). The FPR03 envelopes of OCA
# hold OCA's own lotto (supplier 02780790107), not the official FPR03; Eni's supplier is 00905811006.
SAMPLES: dict[str, tuple[str, str, str, str, str, list[str]]] = {
    "IT01234567890_FPR03.xml.p7m": (
        "CORATO SERGIO", "CRTSRG74M18A459G", "DER", "IT01234567890_FPR03.xml", "IT02780790107", ["123", "456"]
    ),
    "IT01234567890_FPR03.base64.xml.p7m": (
        "CORATO SERGIO", "CRTSRG74M18A459G", "base64", "IT01234567890_FPR03.base64.xml", "IT02780790107",
        ["123", "456"],
    ),
    "IT05979361218_002.xml.p7m": (
        "GERACE ALESSIO", "GRCLSS80E25B111T", "DER", "IT05979361218_002.xml", "IT05979361218",
        ["FT/2015/0007"],
    ),
    "IT02182030391_31.xml.p7m": (
        "GARDINI STEFANO", "GRDSFN66D17H199K", "DER", "IT02182030391_31.xml", "IT02182030391", ["2"]
    ),
    "IT02182030391_31.Base64.CRLF.xml.p7m": (
        "GARDINI STEFANO", "GRDSFN66D17H199K", "base64", "IT02182030391_31.Base64.CRLF.xml", "IT02182030391",
        ["2"],
    ),
    "IT00484960588_ERKHK.xml.p7m": (
        "MARIO DE NICTOLIS", "DNCMRA59C21H501Q", "DER", "IT00484960588_ERKHK.xml", "IT00905811006",
        ["30122583"],
    ),
}  # fmt: skip


def test_every_good_sample_is_listed() -> None:
    on_disk = {p.name for p in SIGNED.glob("*.p7m")} - {"IT02182030391_31_tampered.xml.p7m"}
    assert on_disk == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_unwraps_with_the_signer_recorded(name: str, settings: Settings) -> None:
    signer, cf, encoding, inner, vat, numbers = SAMPLES[name]
    path = SIGNED / name
    assert detect_mime(path.read_bytes(), path.name) == "application/pkcs7-mime"
    outcome = tree(path, settings)
    assert outcome.error is None
    envelope = outcome.documents[0]
    signature = envelope.metadata["signature"]
    assert (signature["signer"], signature["codice_fiscale"], signature["encoding"]) == (signer, cf, encoding)
    assert signature["verified"] is True and signature["trust_checked"] is False
    assert "legal validity" in signature["note"]
    assert signature["signers"][0]["issuer"] and signature["signers"][0]["serial_number"]
    assert signature["signing_time"].startswith("20")
    assert envelope.warnings == []
    assert signer in envelope.text
    fields = document_fields(envelope)
    assert (fields["signer"], fields["signature_status"], fields["type"]) == (signer, "verified", "signed")
    [content] = [d for d in outcome.documents if d.parent_id == envelope.id]
    assert (content.filename, content.metadata["position"]) == (inner, "signed-content")
    assert content.mime_type == "application/vnd.fatturapa+xml"
    invoices = [d.metadata["invoice"] for d in outcome.documents if "invoice" in d.metadata]
    assert {i["supplier"]["vat"] for i in invoices} == {vat}
    assert [i["number"] for i in invoices] == numbers


def test_eni_invoice_total_and_zip_attachment(settings: Settings) -> None:
    docs = tree(SIGNED / "IT00484960588_ERKHK.xml.p7m", settings).documents
    [invoice] = [d for d in docs if "invoice" in d.metadata]
    assert invoice.metadata["invoice"]["date"] == "2018-11-30"
    assert invoice.metadata["invoice"]["total"] == pytest.approx(542.31)
    assert invoice.metadata["invoice"]["total_computed"] is False
    names = {d.filename for d in docs}
    assert {"000267590730122583.zip", "30122583.pdf", "01124548.pdf"} <= names


def test_a_flipped_byte_in_the_content_is_indexed_with_a_warning(settings: Settings, tmp_path: Path) -> None:
    data = bytearray((SIGNED / "IT02182030391_31.xml.p7m").read_bytes())
    at = bytes(data).index(b"<Numero>") + len(b"<Numero>")
    data[at] = ord("9") if data[at] != ord("9") else ord("8")  # same length: the ASN.1 stays valid
    copy = tmp_path / "IT02182030391_31.xml.p7m"
    copy.write_bytes(bytes(data))
    outcome = tree(copy, settings)
    assert outcome.error is None and not outcome.quarantined
    envelope = outcome.documents[0]
    assert envelope.metadata["signature"]["verified"] is False
    assert envelope.metadata["signature"]["signer"] == "GARDINI STEFANO"
    assert any(w.startswith("signature does not verify") for w in envelope.warnings)
    assert document_fields(envelope)["signature_status"] == "not_verified"
    assert "NON verificata" in envelope.text
    # the (altered) content is still ingested, so nothing is lost
    assert any("invoice" in d.metadata for d in outcome.documents)


def test_the_tampered_sample_is_quarantined_with_a_reason(settings: Settings) -> None:
    outcome = tree(SIGNED / "IT02182030391_31_tampered.xml.p7m", settings)
    assert outcome.error is not None
    code, reason = outcome.error
    assert code == "corrupt" and "damaged" in reason


def test_nested_p7m_unwraps_through_the_child_recursion(settings: Settings, tmp_path: Path) -> None:
    from asn1crypto import cms

    outer = cms.ContentInfo.load((SIGNED / "IT05979361218_002.xml.p7m").read_bytes())
    inner_bytes = (SIGNED / "IT02182030391_31.xml.p7m").read_bytes()
    # re-wrap: the outer envelope now "signs" another .p7m (its signature cannot verify any more)
    outer["content"]["encap_content_info"]["content"] = inner_bytes
    nested = tmp_path / "IT02182030391_31.xml.p7m.p7m"
    nested.write_bytes(outer.dump(force=True))
    docs = tree(nested, settings).documents
    assert [d.filename for d in docs[:3]] == [nested.name, "IT02182030391_31.xml.p7m", "IT02182030391_31.xml"]
    assert docs[0].metadata["signature"]["verified"] is False
    assert docs[1].metadata["signature"]["verified"] is True
    assert docs[2].metadata["invoice"]["supplier"]["vat"] == "IT02182030391"


def test_detached_signature_reports_missing_content() -> None:
    data = (SIGNED / "IT02182030391_31.xml.p7m").read_bytes()
    signed = unwrap(data)
    assert signed.content is not None
    again = unwrap(data, detached_content=b"other")  # enveloped content wins over a detached one
    assert again.verified
