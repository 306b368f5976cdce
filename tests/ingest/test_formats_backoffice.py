"""Formats a back office receives that used to be refused or misread, on real public files.

The files are under ``tests/data/formats`` (Apache Tika's test documents, Apache-2.0;
see SOURCES.md there); e-mail variants are made from real corpus messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.archive import Archive
from core.catalog import JobSpec
from core.settings import Settings
from index.backend import SearchRequest
from index.backends.embedded import EmbeddedBackend
from ingest.detect import XLSB, XPS, detect_mime
from ingest.pipeline import extract_job
from ingest.sanitize import clean_text
from tests.ingest._extract_support import run

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"
ODF = "application/vnd.oasis.opendocument."
OOXML = "application/vnd.openxmlformats-officedocument."


@pytest.mark.parametrize(
    ("name", "mime", "expected"),
    [
        # libmagic says octet-stream for these two: the zip is opened by its signature
        ("testInstrLink.docx", OOXML + "wordprocessingml.document", "Invoice document shared"),
        ("testEXCEL_poi-61034.xlsx", OOXML + "spreadsheetml.sheet", "Sheet1"),
        ("testEXCEL_various.xlsb", XLSB, "mySheet1\nString\tThis is a string\ninteger\t13"),
        ("testXLSX.xps", XPS, "abcd efg\nfoo bar baz"),
        ("testSVG.svg", "image/svg+xml", "Test SVG image"),
        ("testOpenOffice2.odf", ODF + "formula", "The quick brown fox jumps over the lazy dog"),
        ("LibreOfficeBase_odb_1.3.odb", ODF + "base", "data source: sdbc:embedded:hsqldb"),
        ("testWebVTT.vtt", "text/plain", "Everyone wants the most from life"),
        ("test_subrip.srt", "text/plain", "ESSAI DE SOUS-TITRES"),
        ("testRTFIgnoredControlWord.rtf", "application/rtf", "The quick brown fox jumps over the lazy dog"),
        ("testPages.pages", "application/vnd.apple.pages", "Lorem ipsum dolor sit amet"),
        ("testNumbers.numbers", "application/vnd.apple.numbers", "Checking Account: 300545668"),
        ("testKeynote2018.key", "application/vnd.apple.keynote", "I save in Apple Key App as default .key"),
    ],
)
def test_format_is_detected_and_read(settings: Settings, name: str, mime: str, expected: str) -> None:
    path = DATA / name
    assert detect_mime(path.read_bytes(), name) == mime
    result = run(path, settings)
    assert expected in "\n".join(page.text for page in result.pages)
    assert not result.children  # iWork previews and .iwa streams are parts, not documents


def test_odg_drawing_is_read_not_refused(settings: Settings) -> None:
    path = DATA / "LibreOfficeDraw_odg_1.3.odg"
    assert detect_mime(path.read_bytes(), path.name) == ODF + "graphics"
    result = run(path, settings)
    assert len(result.pages) == 1  # one draw:page, a shape without text


def test_xlsb_that_calamine_cannot_open_keeps_its_text(settings: Settings) -> None:
    result = run(DATA / "testEXCEL.xlsb", settings)
    assert "This is an example spreadsheet created with Microsoft Excel 2007 Beta 2." in result.pages[0].text
    assert any("only the workbook's text" in warning for warning in result.warnings)


def test_iwork_keynote_leaves_master_slides_out(settings: Settings) -> None:
    text = run(DATA / "testKeynote2018.key", settings).pages[0].text
    assert "Test running..." in text
    assert "Level Badan Satu" not in text  # template text of the master slides


@pytest.mark.parametrize(
    ("name", "member"), [("test-bz2.txt.bz2", "test-bz2.txt"), ("test-documents.tbz2", "test-documents.tar")]
)
def test_bzip2_member_becomes_a_child(settings: Settings, name: str, member: str) -> None:
    path = DATA / name
    assert detect_mime(path.read_bytes(), name) == "application/x-bzip2"
    (child,) = run(path, settings).children
    assert child.filename == member


def test_tbz2_tree_reaches_the_documents_inside_the_tar(settings: Settings) -> None:
    data = (DATA / "test-documents.tbz2").read_bytes()
    sha = Archive(settings.archive_dir).store_bytes(data)
    outcome = extract_job(JobSpec(1, sha, "test-documents.tbz2", "test", "", 0), settings)
    assert outcome.error is None
    names = {doc.filename for doc in outcome.documents}
    assert {"test-documents.tar", "testEXCEL.xls", "testPDF.pdf"} <= names


@pytest.mark.parametrize("name", ["simple.mbox", "multiline.mbox"])
def test_small_mbox_is_split_into_messages(settings: Settings, name: str) -> None:
    path = DATA / name
    assert detect_mime(path.read_bytes(), name) == "application/mbox"
    assert len(run(path, settings).children) == path.read_bytes().count(b"\nFrom ") + 1


def _mail_variants(corpus: Path) -> list[tuple[str, bytes]]:
    raw = (corpus / "mail-mikel/plain_emails/raw_email.eml").read_bytes()  # starts with a "From " line
    mac = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    return [("nul", raw + b"\x00" * 3), ("cr-only", mac), ("cr-only-nul", mac + b"\x00")]


@pytest.mark.parametrize("filename", ["message.eml", "message"])
def test_mail_with_nul_padding_or_cr_line_ends_keeps_its_headers(
    corpus: Path, settings: Settings, tmp_path: Path, filename: str
) -> None:
    for label, data in _mail_variants(corpus):
        path = tmp_path / label / filename
        path.parent.mkdir()
        path.write_bytes(data)
        assert detect_mime(data, filename) in ("message/rfc822", "application/mbox"), label
        result = run(path, settings)
        if result.email is None:  # an mbox of one: the message is its child
            (child,) = result.children
            child_path = tmp_path / label / "child.eml"
            child_path.write_bytes(child.data)
            result = run(child_path, settings)
        assert result.email is not None and result.email.sender == "jamis@37signals.com", label
        assert "제 이름은 Jamis입니다." in result.pages[0].text, label


def test_windows_code_page_names_decode(settings: Settings) -> None:
    from ingest.mail import decode_bytes

    assert decode_bytes("中文測試".encode("cp950"), "windows-950") == ("中文測試", None)
    assert decode_bytes("ภาษาไทย".encode("cp874"), "windows-874") == ("ภาษาไทย", None)


def test_lone_surrogates_never_reach_the_index(settings: Settings, tmp_path: Path) -> None:
    data = (DATA / "testRTFInvalidUnicode.rtf").read_bytes()
    sha = Archive(settings.archive_dir).store_bytes(data)
    outcome = extract_job(JobSpec(1, sha, "testRTFInvalidUnicode.rtf", "test", "", 0), settings)
    assert outcome.error is None
    (doc,) = outcome.documents
    assert "Unpaired hi \ufffd here" in doc.text
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    backend.index(outcome.documents)  # raised UnicodeEncodeError before
    backend.commit()
    assert [hit.id for hit in backend.search(SearchRequest(query="unpaired")).hits] == [doc.id]
    backend.close()


def test_clean_text_joins_pairs_and_drops_controls() -> None:
    assert clean_text("a\ud83d\ude00b") == "a\U0001f600b"
    assert clean_text("x\udc00y\x00z\x0cw") == "x\ufffdyz\nw"
    assert clean_text("tab\tnew\nline\r") == "tab\tnew\nline\r"


def test_tnef_winmail_attachments_become_children(settings: Settings) -> None:
    path = DATA / "testWINMAIL.dat"
    assert detect_mime(path.read_bytes(), "winmail.dat") == "application/vnd.ms-tnef"
    result = run(path, settings, "winmail.dat")
    assert result.title == "This is a test message"
    assert [child.filename for child in result.children] == [
        "quick.doc",
        "quick.html",
        "quick.pdf",
        "quick.txt",
        "quick.xml",
    ]
    assert result.children[2].data.startswith(b"%PDF-")
    assert b"The quick brown fox" in result.children[3].data


def test_tsd_content_becomes_a_child_and_the_time_stamp_metadata(settings: Settings) -> None:
    path = DATA / "Test1.txt.tsd"
    assert detect_mime(path.read_bytes(), path.name) == "application/timestamped-data"
    result = run(path, settings)
    (child,) = result.children
    assert (child.filename, child.data) == ("Test1.txt", b"This is a test")
    (stamp,) = result.metadata["timestamps"]
    assert stamp["time"] == "2017-03-31T13:40:16+00:00" and stamp["serial_number"] == "232754723123"
    assert stamp["imprint_matches"] is True  # SHA-256 of the content equals the token's imprint
    assert "Consiglio Nazionale del Notariato" in stamp["authority"]
    assert result.date is not None and result.date.year == 2017
    assert "Marca temporale del 2017-03-31" in result.pages[0].text


def test_p7m_inside_tsd_unwraps_through_the_tree(settings: Settings) -> None:
    data = (DATA / "MANIFEST.XML.TSD").read_bytes()
    sha = Archive(settings.archive_dir).store_bytes(data)
    outcome = extract_job(JobSpec(1, sha, "MANIFEST.XML.TSD", "test", "", 0), settings)
    assert outcome.error is None, outcome.error
    types = [doc.mime_type for doc in outcome.documents]
    assert types[:2] == ["application/timestamped-data", "application/pkcs7-mime"]
    assert "signature" in outcome.documents[1].metadata
    assert len(outcome.documents) >= 3  # the signed file inside the p7m too


def test_bare_rfc3161_token_is_read(settings: Settings, tmp_path: Path) -> None:
    from asn1crypto import cms

    from ingest.extractors.tsd import _definite, _token

    info = cms.ContentInfo.load(_definite((DATA / "Test1.txt.tsd").read_bytes()))
    token = _token(next(iter(info["content"]["temporal_evidence"].chosen))).dump()  # the real token
    path = tmp_path / "Test1.txt.tst"
    path.write_bytes(token)
    assert detect_mime(token, path.name) == "application/vnd.etsi.timestamp-token"
    result = run(path, settings)
    assert result.metadata["timestamps"][0]["serial_number"] == "232754723123"
    assert not result.children


def test_doc_header_and_footer_text_is_kept(corpus: Path, settings: Settings) -> None:
    text = run(DATA / "testWORD_header_hyperlink.doc", settings).pages[0].text
    assert "ab@example.com" in text and "http://tw-systemhaus.de" in text  # only in the header
    sample = run(corpus / "ingest-file/doc.doc", settings).pages[0].text
    assert "This is the header for our document" in sample
    assert "This is the footer for our document" in sample
    assert sample.count("Sample Word Document Title") == 1  # the body is not repeated
