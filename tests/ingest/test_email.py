"""E-mail (.eml) and Apple Mail (.emlx) extraction on the real corpus."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.errors import CorruptDocument, EmptyDocument, IngestError
from ingest.extractors.base import Extraction, Source
from ingest.extractors.email import EmailExtractor
from ingest.extractors.emlx import EmlxExtractor
from ingest.mail import parse_bytes
from tests.conftest import CORPUS

MIKEL = CORPUS / "mail-mikel"
MIKEL_FILES = sorted(MIKEL.rglob("*.eml")) if MIKEL.exists() else []


def _eml(path: Path, settings: Settings) -> Extraction:
    return EmailExtractor().extract(
        Source(path=path, filename=path.name, mime_type="message/rfc822", settings=settings)
    )


def _emlx(path: Path, settings: Settings) -> Extraction:
    source = Source(path=path, filename=path.name, mime_type="application/x-apple-emlx", settings=settings)
    return EmlxExtractor().extract(source)


@pytest.mark.parametrize("path", MIKEL_FILES, ids=lambda p: str(p.relative_to(MIKEL)))
def test_every_mikel_message_parses_or_fails_cleanly(path: Path, settings: Settings) -> None:
    try:
        result = _eml(path, settings)
    except IngestError:
        return
    assert result.email is not None
    assert len(result.pages) == 1
    for child in result.children:
        assert child.data
        assert "/" not in child.filename and "\\" not in child.filename
        assert child.position.startswith("attachment/")


def test_mikel_corpus_is_there(corpus: Path) -> None:
    assert len(MIKEL_FILES) > 90


def test_basic_headers_and_date(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "mail-mikel/plain_emails/basic_email.eml", settings)
    assert result.email is not None
    assert result.title == result.email.subject == "Testing 123"
    assert result.email.sender == "test@lindsaar.net"
    assert result.email.to == ["raasdnil@gmail.com"]
    assert result.email.message_id == "<6B7EC235-5B17-4CA8-B2B8-39290DEB43A3@test.lindsaar.net>"
    assert result.metadata["sender_name"] == "Mikel Lindsaar"
    assert result.date == datetime(2008, 11, 22, 15, 4, 59, tzinfo=timezone(timedelta(hours=11)))
    assert result.pages[0].text.startswith("Plain email.\n")


def test_attached_pdf_becomes_a_child(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "mail-mikel/attachment_emails/attachment_pdf.eml", settings)
    assert result.title == "Another PDF with 🎉 Unicode chars in it 🍿"
    [child] = result.children
    assert child.filename == "broken.pdf"
    assert child.mime_hint == "application/pdf"
    assert child.position == "attachment/1"
    assert child.data.startswith(b"%PDF")


def test_attached_message_keeps_its_bytes(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "mail-mikel/attachment_emails/attachment_message_rfc822.eml", settings)
    assert result.pages[0].text == "This is the first part."
    [child] = result.children
    assert child.mime_hint == "message/rfc822"
    assert child.filename == "ForwardedMessage.eml"
    inner = parse_bytes(child.data)
    assert inner["Return-Path"] == "<xxxx@xxxx.com>"


def test_inline_image_and_attached_message(corpus: Path, settings: Settings) -> None:
    result = _eml(
        corpus / "mail-mikel/attachment_emails/attachment_message_rfc822_inline_image.eml", settings
    )
    hints = [child.mime_hint for child in result.children]
    assert hints == ["image/png", "message/rfc822"]


def test_alternative_prefers_plain_and_never_both(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "ingest-file/email_multipart_alternative.eml", settings)
    assert result.pages[0].text == "This is a **multipart/alternative** message."


def test_html_only_is_converted_to_text(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "ingest-file/email_strip_markup.eml", settings)
    assert result.pages[0].text == "This is the body of an HTML message."


def test_unknown_charset_falls_back(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "mail-mikel/plain_emails/raw_email10.eml", settings)
    assert "Envoyé par le service de messagerie texte de Bell Mobilité." in result.pages[0].text
    assert any("x-unknown" in warning for warning in result.warnings)


def test_8bit_subject_and_bad_date(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "mail-mikel/error_emails/invalid_subject_characters.eml", settings)
    assert result.title.startswith("Formação FrenetikPolis")
    bad = _eml(corpus / "mail-mikel/plain_emails/raw_email_with_bad_date.eml", settings)
    assert bad.date is None
    assert any("Date" in warning for warning in bad.warnings)


def test_encoded_attachment_names(corpus: Path, settings: Settings) -> None:
    nonascii = _eml(corpus / "mail-mikel/attachment_emails/attachment_nonascii_filename.eml", settings)
    assert [c.filename for c in nonascii.children] == ["ciële.txt"]
    unquoted = _eml(corpus / "mail-mikel/attachment_emails/attachment_with_unquoted_name.eml", settings)
    assert [c.filename for c in unquoted.children] == ["This is a test.txt"]
    japanese = _eml(corpus / "mail-mikel/multi_charset/japanese_attachment.eml", settings)
    assert [c.filename for c in japanese.children] == ["てすと.txt"]


def test_two_bare_senders(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "mail-mikel/plain_emails/raw_email_multiple_from.eml", settings)
    assert result.email is not None
    assert result.email.sender == "tim@powerupdev.com"


def test_rfc822_inside_a_msg_named_file(corpus: Path, settings: Settings) -> None:
    result = _eml(corpus / "ingest-file/fnf.msg", settings)
    assert result.title.startswith("Innovationskongress 2017")
    assert result.email is not None and result.email.sender == "noreply@freiheit.org"
    assert [c.mime_hint for c in result.children] == ["image/png"]


def test_attachment_path_is_stripped(tmp_path: Path, settings: Settings) -> None:
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: paths\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
        b"--B\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="../../etc/passwd"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n"
        b"--B\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--B--\r\n"
    )
    path = tmp_path / "paths.eml"
    path.write_bytes(raw)
    result = _eml(path, settings)
    assert result.pages[0].text == "body"
    assert (result.children[0].filename, result.children[0].data) == ("passwd", b"hello")
    assert result.children[1].mime_hint == "text/calendar"
    assert result.children[1].filename.startswith("attachment-2")


def test_empty_and_garbage(tmp_path: Path, settings: Settings) -> None:
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    with pytest.raises(EmptyDocument):
        _eml(empty, settings)
    garbage = tmp_path / "garbage.eml"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(CorruptDocument):
        _eml(garbage, settings)


def test_emlx(corpus: Path, settings: Settings) -> None:
    result = _emlx(corpus / "ingest-file/plaintext.emlx", settings)
    assert result.email is not None
    assert result.title == "Re: Emlx library"
    assert result.email.in_reply_to == "<6FA2F219-2B7C-4962-9724-E9399409CCBE@example.com>"
    assert result.date == datetime(2020, 2, 6, 15, 39, 55, tzinfo=timezone(timedelta(hours=2)))
    assert "You're welcome." in result.pages[0].text
    assert "plist" not in result.pages[0].text
    assert result.metadata["emlx"]["remote-id"] == "789"
    rich = _emlx(corpus / "ingest-file/richtext.emlx", settings)
    assert "Thank you!" in rich.pages[0].text


def test_emlx_without_byte_count(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bad.emlx"
    path.write_bytes(b"Subject: no count\n\nbody\n")
    with pytest.raises(CorruptDocument):
        _emlx(path, settings)


def test_encoded_word_filename_without_quotes_is_decoded(corpus: Path, settings: Settings) -> None:
    # `filename==?utf-8?B?VGhpcyBpcyBhIHRlc3QucGRm?=`: the stdlib parser returns no name.
    extraction = _eml(
        corpus / "mail-mikel/attachment_emails/attachment_with_base64_encoded_name.eml", settings
    )
    assert [child.filename for child in extraction.children] == ["This is a test.pdf"]


def test_a_greeting_at_the_top_of_a_mail_is_not_its_supplier(tmp_path: Path, corpus: Path) -> None:
    """The supplier guessed from the first name-like row is for laid-out pages, not for mail bodies."""
    from core.catalog import Catalog
    from tests.support import ingest_into, make_settings

    path = corpus / "mail-mikel" / "plain_emails" / "raw_email_reply.eml"
    settings = make_settings(tmp_path / "data")
    ingest_into(settings, [path])
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        (doc,) = [d for batch in catalog.iter_documents() for d in batch if d.filename == path.name]
    finally:
        catalog.close()
    assert doc.email is not None and doc.text.strip()
    assert "supplier" not in {f["name"] for f in doc.metadata.get("fields", [])}


def test_the_title_of_a_plain_text_note_is_not_its_supplier(tmp_path: Path) -> None:
    from core.catalog import Catalog
    from tests.support import ingest_into, make_settings

    note = tmp_path / "dettaglio_addebiti.txt"
    note.write_text("Dettaglio addebiti contestati\nCanone marzo: 120,00 EUR\nPenale non dovuta: 45,00 EUR\n")
    settings = make_settings(tmp_path / "data")
    ingest_into(settings, [note])
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        (doc,) = [d for batch in catalog.iter_documents() for d in batch]
    finally:
        catalog.close()
    assert doc.mime_type.startswith("text/plain")
    assert "supplier" not in {f["name"] for f in doc.metadata.get("fields", [])}
