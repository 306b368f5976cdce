"""Records machines write are not complaints and have no tone (`nlp.machine_made`).

Real files of the corpus go through the real pipeline (archive, type detection,
extractor) and the worker's NLP stage with the shipped heads. Each record checked
here scores in the heads' "likely complaint" band or with a negative tone when read
for its words, so each assertion fails without the rule.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.archive import Archive
from core.catalog import JobSpec
from core.document import Document
from core.settings import Settings
from ingest.nlp_stage import BoundedAnnotator
from ingest.pipeline import extract_job
from nlp.annotate import Annotator
from nlp.review import thresholds


def _documents(settings: Settings, path: Path) -> list[Document]:
    sha = Archive(settings.archive_dir).store_bytes(path.read_bytes())
    outcome = extract_job(JobSpec(1, sha, path.name, "test", "", 1), settings)
    assert outcome.error is None, outcome.error
    return [doc for doc in outcome.documents if doc.text.strip()]


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator(english_ner=False, italian_ner=False)


def _annotated(settings: Settings, path: Path, annotator: Annotator) -> dict[str, Document]:
    docs = _documents(settings, path)
    BoundedAnnotator(annotator).annotate(docs)
    return {doc.filename: doc for doc in docs}


def test_an_e_invoice_is_not_a_likely_complaint(
    settings: Settings, corpus: Path, annotator: Annotator
) -> None:
    path = corpus / "italian/fatturapa/real-world/IT01234567890_x05mX.xml"
    raw = _documents(settings, path)
    annotator.annotate(raw)
    likely = thresholds()[1]
    assert raw[0].annotations.complaint_probability >= likely  # what the heads read in its words
    (doc,) = _annotated(settings, path, annotator).values()
    assert doc.metadata["machine_made"] == "e-invoice"
    assert (doc.annotations.complaint, doc.annotations.complaint_probability) == (False, 0.0)
    assert doc.annotations.sentiment == 0.0
    assert doc.metadata["invoice"]  # the invoice's fields are untouched


def test_an_sdi_delivery_notice_is_not_a_complaint_but_a_pec_letter_is_read(
    settings: Settings, corpus: Path, annotator: Annotator
) -> None:
    path = corpus / "italian/pec/POSTA CERTIFICATA_ Ricevuta di consegna 6782414.txt"
    docs = _annotated(settings, path, annotator)
    notice = docs["postacert.eml"]
    assert notice.email is not None and notice.email.sender.endswith("@pec.fatturapa.it")
    assert notice.metadata["machine_made"] == "sdi-notification"
    assert notice.annotations.complaint is False and notice.annotations.category != "complaint"
    assert docs[path.name].metadata["machine_made"] == "pec-receipt"  # the provider's envelope
    assert docs["IT03339130126_00009_RC_003.xml"].metadata["machine_made"] == "structured-data"
    # The same rule leaves a person's message in a PEC alone: only the SdI's sender is a machine.
    sender = replace(notice.email, sender="ufficio.legale@pec.example.it")
    person = replace(notice, id="person", metadata={"pec": {"role": "postacert"}}, email=sender)
    BoundedAnnotator(annotator).annotate([person])
    assert "machine_made" not in person.metadata
    assert person.annotations.complaint_probability > 0.0


@pytest.mark.parametrize(
    "name",
    [
        "multipart_report_emails/multi_address_bounce1.eml",
        "multipart_report_emails/multipart_report_multiple_status.eml",
    ],
)
def test_a_bounce_is_not_a_likely_complaint(
    settings: Settings, corpus: Path, annotator: Annotator, name: str
) -> None:
    path = corpus / "mail-mikel" / name
    raw = {doc.filename: doc for doc in _documents(settings, path)}
    annotator.annotate(list(raw.values()))
    assert raw[path.name].annotations.complaint_probability >= thresholds()[1]
    docs = _annotated(settings, path, annotator)
    bounce = docs[path.name]
    assert bounce.metadata["machine_made"] == "delivery-report"
    assert bounce.annotations.complaint_probability == 0.0 and bounce.annotations.sentiment == 0.0
    returned = [doc for name, doc in docs.items() if name != path.name]
    assert returned and all("machine_made" not in doc.metadata for doc in returned)  # the original message


def test_auto_submitted_mail_is_marked_from_its_header(settings: Settings, corpus: Path) -> None:
    path = corpus / "mail-mikel/mime_emails/raw_email_with_mimepart_without_content_type.eml"
    assert b"Auto-Submitted: auto-generated" in path.read_bytes()
    docs = {doc.filename: doc for doc in _documents(settings, path)}
    assert docs[path.name].metadata["auto_submitted"] == "auto-generated"
    assert all("auto_submitted" not in doc.metadata for name, doc in docs.items() if name != path.name)


def test_a_stored_correction_still_wins(settings: Settings, corpus: Path, annotator: Annotator) -> None:
    class Correction:
        kind = "complaint"
        value = True

    path = corpus / "mail-mikel/multipart_report_emails/report_530.eml"
    docs = _documents(settings, path)
    bounce = next(doc for doc in docs if doc.filename == path.name)
    stage = BoundedAnnotator(annotator, corrections=lambda ids: {bounce.id: [Correction()]})
    stage.annotate(docs)
    assert bounce.metadata["machine_made"] == "delivery-report"
    assert bounce.annotations.complaint is True  # the quality manager said so


def test_a_signed_invoice_report_is_machine_made(
    settings: Settings, corpus: Path, annotator: Annotator
) -> None:
    path = corpus / "italian/fatturapa/signed/IT02182030391_31.xml.p7m"
    raw = {doc.filename: doc for doc in _documents(settings, path)}
    annotator.annotate(list(raw.values()))
    assert raw[path.name].annotations.complaint_probability >= thresholds()[1]
    docs = _annotated(settings, path, annotator)
    assert docs[path.name].metadata["machine_made"] == "signature-envelope"
    assert docs["IT02182030391_31.xml"].metadata["machine_made"] == "e-invoice"
    assert all(doc.annotations.complaint_probability == 0.0 for doc in docs.values())


_COMPLAINT = (
    "Dear customer service,\n\nI am writing to complain about my order 4471: it arrived broken two weeks "
    "late, nobody answered my three e-mails and I was still charged twice. I want a full refund now.\n"
)


def _message(settings: Settings, header: str) -> Document:
    data = (
        f"From: desk@shop.example\nTo: quality@company.example\nSubject: Order 4471\n{header}\n"
        f"Content-Type: text/plain; charset=utf-8\n\n{_COMPLAINT}"
    ).encode()
    sha = Archive(settings.archive_dir).store_bytes(data)
    (doc,) = extract_job(JobSpec(1, sha, "order.eml", "test", "", 1), settings).documents
    return doc


def test_an_automatic_reply_is_machine_made_but_a_helpdesk_notice_is_read(
    settings: Settings, annotator: Annotator
) -> None:
    reply = _message(settings, "Auto-Submitted: auto-replied (vacation)")
    form = _message(settings, "Auto-Submitted: auto-generated")  # a web form relaying a customer's words
    BoundedAnnotator(annotator).annotate([reply, form])
    assert reply.metadata["auto_submitted"] == "auto-replied"
    assert reply.metadata["machine_made"] == "auto-submitted" and reply.annotations.complaint is False
    assert form.metadata["auto_submitted"] == "auto-generated"
    assert "machine_made" not in form.metadata and form.annotations.complaint is True
