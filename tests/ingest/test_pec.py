"""PEC certified mail: envelopes, receipts, postacert.eml, and receipts linked to their message.

The last part runs the whole Italian corpus through a real worker (extraction, NLP,
index) and searches the new invoice, PEC and signature fields.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalog import Catalog
from core.document import Document, EmailHeaders
from core.pec_links import pec_links, thread_key
from core.settings import Settings
from index.backend import SearchBackend, SearchRequest
from index.backends import open_backend
from index.fields import document_fields
from ingest.threading import thread_id
from tests.ingest._italian_support import ITALIAN, tree
from tests.support import ingest_into, make_settings

PEC = ITALIAN / "pec"
ORIGINAL = "1542123565.921546936035156.464602125997431-openerp-8-fatturapa.attachment.out@elbati-vostro-3550"
FAKE = "sn05ie$951dec16c1cfd3e4fd8ff1b1d24a99ae@fakepec.it"

# file -> (type, sender, certified message id, delivered to, S/MIME verifies, attachments of postacert.eml)
SAMPLES: dict[str, tuple[str, str, str, str, bool, list[str] | None]] = {
    "ACCETTAZIONE_ IT03339130126_00009.xml.txt": (
        "accettazione", "l.battistini@pec.it", ORIGINAL, "", True, None
    ),
    "CONSEGNA_ IT03339130126_00009.xml.txt": (
        "avvenuta-consegna", "l.battistini@pec.it", ORIGINAL, "l.battistini@pec.it", True,
        ["IT03339130126_00009.xml"],
    ),
    "POSTA CERTIFICATA_ Invio File 7339338.txt": (
        "posta-certificata", "sdi03@pec.fatturapa.it", "4163125586355393.1544268377979@pec.fatturapa.it", "",
        True, ["IT02652600210_00007_MT_002.xml", "IT02652600210_00007.xml"],
    ),
    "POSTA CERTIFICATA_ Invio File 7339338 (broken XML).txt": (
        "posta-certificata", "sdi03@pec.fatturapa.it", "4163125586355393.1544268377979@pec.fatturapa.it", "",
        False, ["IT02652600210_00007_MT_002.xml", "IT02652600210_00007.xml"],
    ),
    "POSTA CERTIFICATA_ Ricevuta di consegna 6782414.txt": (
        "posta-certificata", "sdi03@pec.fatturapa.it", "5168561142842364.1542124052746@pec.fatturapa.it", "",
        True, ["IT03339130126_00009_RC_003.xml"],
    ),
    "POSTA CERTIFICATA_mancata_consegna.txt": (
        "posta-certificata", "sdi48@pec.fatturapa.it", "29868973923542086.1546634040973@pec.fatturapa.it", "",
        False, ["IT14627831002_02621_MC_001.xml"],
    ),
    "accettazione.eml": ("accettazione", "sender@fakepec.it", FAKE, "", False, None),
    "consegna.eml": ("errore-consegna", "sender@fakepec.it", FAKE, "rec@fakepec.it", False, None),
}  # fmt: skip


def test_every_sample_is_listed() -> None:
    assert {p.name for p in PEC.iterdir()} == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_envelope_yields_its_type_and_inner_message(name: str, settings: Settings) -> None:
    kind, sender, ref, delivered, verifies, attachments = SAMPLES[name]
    outcome = tree(PEC / name, settings)
    assert outcome.error is None and not outcome.quarantined
    envelope = outcome.documents[0]
    pec = envelope.metadata["pec"]
    assert (pec["type"], pec["sender"], pec["ref_message_id"], pec["delivered_to"]) == (
        kind,
        sender,
        ref,
        delivered,
    )
    assert pec["signature"]["verified"] is verifies
    assert pec["signature"]["trust_checked"] is False
    assert pec["type_label"] in envelope.text and "(PEC)" in envelope.text
    if not verifies:
        assert any("signature" in w or "smime" in w.lower() for w in envelope.warnings)
    fields = document_fields(envelope)
    assert fields["pec_type"] == kind
    assert ref in fields["pec_ref_message_id"]
    # daticert.xml and smime.p7s are read, not shown as documents
    names = [d.filename for d in outcome.documents]
    assert "daticert.xml" not in names and "smime.p7s" not in names
    inner = [d for d in outcome.documents if d.metadata.get("position") == "postacert"]
    if attachments is None:
        assert inner == []
        return
    [message] = inner
    assert message.parent_id == envelope.id and message.email is not None
    assert message.metadata["pec"] == {
        "role": "postacert", "envelope_type": kind, "ref_message_id": ref, "identifier": pec["identifier"]
    }  # fmt: skip
    assert [d.filename for d in outcome.documents if d.parent_id == message.id] == attachments
    assert document_fields(message)["pec_type"] == ""


def test_delivery_receipt_details(settings: Settings) -> None:
    envelope = tree(PEC / "CONSEGNA_ IT03339130126_00009.xml.txt", settings).documents[0]
    pec = envelope.metadata["pec"]
    assert pec["date"] == "2018-11-13T16:39:27+01:00"
    assert pec["provider"] == "ARUBA PEC S.p.A."
    assert pec["receipt_kind"] == "completa"
    assert pec["recipients"] == [{"address": "l.battistini@pec.it", "type": "certificato"}]
    assert pec["identifier"] == "opec288.20181113163926.01838.310.1.63@pec.aruba.it"
    assert pec["signature"]["signer"] == "Posta Certificata ARUBA PEC"
    assert envelope.email is not None and envelope.email.in_reply_to == f"<{ORIGINAL}>"
    assert "Consegnato a: l.battistini@pec.it" in envelope.text


def test_non_delivery_carries_the_error(settings: Settings) -> None:
    envelope = tree(PEC / "consegna.eml", settings).documents[0]
    pec = envelope.metadata["pec"]
    assert (pec["error"], pec["error_detail"]) == (
        "no-dest",
        "5.1.1 - FAKE Pec S.p.A. - indirizzo non valido",
    )
    assert pec["ref_message_ids"] == [FAKE, FAKE.replace("@fakepec.it", "@pec.it")]
    assert any("differs from the msgid" in w for w in envelope.warnings)


def test_pec_without_daticert_is_indexed_with_a_warning(settings: Settings, tmp_path: Path) -> None:
    outcome = tree(PEC / "POSTA CERTIFICATA_mancata_consegna.txt", settings)
    envelope = outcome.documents[0]
    assert envelope.metadata["pec"]["has_daticert"] is False
    assert any("without daticert.xml" in w for w in envelope.warnings)
    assert envelope.metadata["pec"]["date"].startswith("2019-01-04T21:34:01")
    # the same with a receipt whose daticert part we strip ourselves
    raw = (PEC / "accettazione.eml").read_bytes()
    stripped = re.sub(rb"filename=\"?daticert\.xml\"?", b'filename="other.bin"', raw)
    stripped = stripped.replace(b'name="daticert.xml"', b'name="other.bin"')
    copy = tmp_path / "accettazione.eml"
    copy.write_bytes(stripped)
    envelope = tree(copy, settings).documents[0]
    assert envelope.metadata["pec"]["type"] == "accettazione"
    assert envelope.metadata["pec"]["ref_message_id"] == FAKE.replace("@fakepec.it", "@fakepec.it")
    assert any("without daticert.xml" in w for w in envelope.warnings)


def test_ordinary_mail_is_untouched(settings: Settings, tmp_path: Path) -> None:
    mail = tmp_path / "plain.eml"
    mail.write_bytes(
        b"From: a@example.it\r\nTo: b@example.it\r\nSubject: ciao\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n"
    )
    [doc] = tree(mail, settings).documents
    assert "pec" not in doc.metadata and doc.warnings == []
    assert document_fields(doc)["message_key"] == "x@y"


def test_thread_key_matches_the_threading_rule() -> None:
    assert thread_key(f"<{ORIGINAL.upper()}>") == thread_id(EmailHeaders(message_id=f"<{ORIGINAL}>"))


# -- the whole pipeline ----------------------------------------------------------------------------


def _sent_copy(folder: Path) -> Path:
    """The sender's own copy of the certified message: postacert.eml with its original Message-ID."""
    raw = (PEC / "CONSEGNA_ IT03339130126_00009.xml.txt").read_bytes()
    start = raw.index(b'filename="postacert.eml"')
    body = raw[raw.index(b"\n\n", start) + 2 :]
    body = body[: body.index(b"\n------------=_")]
    body = re.sub(rb"Message-ID: <[^>]+>", f"Message-ID: <{ORIGINAL}>".encode(), body, count=1)
    path = folder / "sent.eml"
    path.write_bytes(body)
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("italian")
    corpus = folder / "corpus"
    shutil.copytree(ITALIAN / "fatturapa", corpus / "fatturapa")
    shutil.copytree(PEC, corpus / "pec")
    _sent_copy(corpus)
    settings = make_settings(folder / "data")
    ingest_into(settings, [corpus])
    return settings


@pytest.fixture(scope="module")
def backend(archive: Settings) -> Iterator[SearchBackend]:
    opened = open_backend(archive, writer=False)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def catalog(archive: Settings) -> Iterator[Catalog]:
    opened = Catalog(archive.resolved_catalog_url)
    yield opened
    opened.close()


def _ids(backend: SearchBackend, query: str) -> list[str]:
    result = backend.search(SearchRequest(query=query, limit=200, highlight=False))
    return sorted(hit.id for hit in result.hits)


def _docs(catalog: Catalog, ids: list[str]) -> list[Document]:
    return [doc for doc in (catalog.document(i) for i in ids) if doc is not None]


@pytest.mark.slow
def test_search_by_invoice_fields(backend: SearchBackend, catalog: Catalog) -> None:
    alpha = _docs(catalog, _ids(backend, "supplier_vat:IT01234567890"))
    invoices = [d for d in alpha if "invoice" in d.metadata]
    # FPA01, FPA02, FPA03 x2, FPR01, FPR02, FPR03 x2, FSM10
    assert len(invoices) == 9
    assert {d.metadata["invoice"]["supplier"]["vat"] for d in invoices} == {"IT01234567890"}
    # The two multi-lot files carry no invoice of their own; their key fields name the same supplier.
    containers = [d for d in alpha if "invoice" not in d.metadata]
    assert sorted(d.filename for d in containers) == ["IT01234567890_FPA03.xml", "IT01234567890_FPR03.xml"]
    big = _docs(catalog, _ids(backend, "invoice_total:>100 type:invoice"))
    assert big and all(d.metadata["invoice"]["total"] > 100 for d in big)
    assert "30122583" in {d.metadata["invoice"]["number"] for d in big}  # Eni, inside the .p7m
    small = _docs(catalog, _ids(backend, "invoice_total:[1 TO 10]"))
    totals = {d.metadata["invoice"]["total"] for d in small}
    assert 6.1 in totals and all(1 <= t <= 10 for t in totals)  # FPA01/FPR01, and SDI's test invoice
    assert _ids(backend, "document_type:TD24") == _ids(backend, 'invoice_number:"90"')
    assert len(_ids(backend, 'fornitore:"GAV spa"')) == 1
    assert len(_ids(backend, "invoice_date:2014-12*")) >= 6
    assert _ids(backend, "fattura semplificata ALPHA")  # the rendered Italian text is searchable
    facets = backend.search(SearchRequest(query="type:invoice", facets=["document_type"], limit=0))
    assert {b.value for b in facets.facets["document_type"]} >= {"TD01", "TD07", "TD17", "TD24"}


@pytest.mark.slow
def test_search_by_signature_and_pec_fields(backend: SearchBackend) -> None:
    assert len(_ids(backend, 'signer:"CORATO SERGIO"')) == 2
    assert len(_ids(backend, "signature_status:verified")) == 6
    assert len(_ids(backend, "pec_type:avvenuta-consegna")) == 1
    assert len(_ids(backend, "pec_type:posta-certificata")) == 4
    assert len(_ids(backend, f'pec_ref_message_id:"{ORIGINAL}"')) == 3  # 2 receipts + postacert copy


@pytest.mark.slow
def test_delivery_receipt_is_linked_to_its_message(backend: SearchBackend, catalog: Catalog) -> None:
    [sent_id] = _ids(backend, f'message_key:"{ORIGINAL}"')
    sent = catalog.document(sent_id)
    assert sent is not None
    links = pec_links(catalog, sent)
    assert links is not None
    assert [r["type"] for r in links.receipts] == ["accettazione", "avvenuta-consegna"]
    assert links.summary == [
        "Accettato dal gestore del mittente il 13/11/2018 alle 16:39:26 (+01:00)",
        "Consegnato a l.battistini@pec.it il 13/11/2018 alle 16:39:27 (+01:00)",
    ]
    # and from the receipt back to the message
    [receipt_id] = _ids(backend, "pec_type:avvenuta-consegna")
    receipt = catalog.document(receipt_id)
    assert receipt is not None
    back = pec_links(catalog, receipt)
    assert back is not None and [m["id"] for m in back.messages] == [sent_id]
    assert [r["type"] for r in back.receipts] == ["accettazione"]
    # the copy inside the complete receipt (its own Message-ID) finds the receipts too
    [copy] = [c for c in catalog.children(receipt_id) if c.metadata.get("position") == "postacert"]
    from_copy = pec_links(catalog, copy)
    assert from_copy is not None and len(from_copy.receipts) == 2
    # an ordinary document has nothing to link
    [invoice_id] = _ids(backend, "document_type:TD24")
    invoice = catalog.document(invoice_id)
    assert invoice is not None and pec_links(catalog, invoice) is None
