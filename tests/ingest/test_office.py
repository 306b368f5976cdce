"""Office documents: OOXML, OpenDocument, legacy doc/xls/ppt and RTF, on real files."""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.errors import CorruptDocument, EncryptedDocument, IngestError, LimitExceeded, UnsupportedFormat
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.extractors.legacy_office import (
    OleStorageExtractor,
    RtfExtractor,
    TikaOfficeExtractor,
    XlsExtractor,
)
from ingest.extractors.odf import OdsExtractor, OdtExtractor
from ingest.extractors.ooxml import DocxExtractor, PptxExtractor, XlsxExtractor


def _run(extractor: Extractor, path: Path, settings: Settings) -> Extraction:
    source = Source(path=path, filename=path.name, mime_type=extractor.MIME_TYPES[0], settings=settings)
    return extractor.extract(source)


@pytest.fixture
def members(corpus: Path, tmp_path: Path) -> Path:
    """The legacy samples inside test-documents.zip, unpacked into a temporary folder."""
    with zipfile.ZipFile(corpus / "ingest-file/test-documents.zip") as archive:
        for name in archive.namelist():
            (tmp_path / Path(name).name).write_bytes(archive.read(name))
    return tmp_path


def test_docx(corpus: Path, settings: Settings) -> None:
    result = _run(DocxExtractor(), corpus / "ingest-file/hello world word.docx", settings)
    assert result.pages[0].text == "Hello world, Word!"
    assert result.metadata["author"] == "Dzmitry Lahoda"
    assert result.date is not None and result.date.year == 2015


def test_xlsx_one_page_per_sheet(corpus: Path, settings: Settings) -> None:
    result = _run(XlsxExtractor(), corpus / "ingest-file/file.xlsx", settings)
    assert [p.text.splitlines()[0] for p in result.pages] == ["Sheet1", "Sheet2"]
    assert "Mihai Viteazul\t29/12/1871 13:48\t11.99" in result.pages[0].text
    assert "Vlad Țepeș" in result.pages[1].text
    staff = _run(XlsxExtractor(), corpus / "ingest-file/staff_list.xlsx", settings)
    assert staff.title == "Lists of Company Employees"
    assert len(staff.pages) == 3 and "Karina\tShedrofsky\tOCCRP" in staff.pages[2].text


@pytest.mark.parametrize(
    "extractor", [XlsxExtractor(), XlsExtractor(), DocxExtractor(), OleStorageExtractor()]
)
def test_password_protected_xlsx(extractor: Extractor, corpus: Path, settings: Settings) -> None:
    with pytest.raises(EncryptedDocument):
        _run(extractor, corpus / "ingest-file/password_protected.xlsx", settings)


def test_odt(corpus: Path, settings: Settings) -> None:
    result = _run(OdtExtractor(), corpus / "ingest-file/Plan.odt", settings)
    assert "We should paint graffiti on all corners of Trump tower." in result.pages[0].text
    assert result.date is not None and result.date.year == 2017


def test_encrypted_odt(corpus: Path, settings: Settings) -> None:
    with pytest.raises(EncryptedDocument):
        _run(OdtExtractor(), corpus / "ingest-file/encypted_by_libreoffice.odt", settings)


def test_ods_and_xls_read_the_same_sheet(corpus: Path, settings: Settings) -> None:
    ods = _run(OdsExtractor(), corpus / "ingest-file/rom.ods", settings)
    xls = _run(XlsExtractor(), corpus / "ingest-file/rom.xls", settings)
    for result in (ods, xls):
        assert [p.text.splitlines()[0] for p in result.pages] == ["Лист1", "Лист2", "Лист3"]
        assert "Autoritatea contractantă" in result.pages[0].text
        assert "Şcoala de Meserii 4 Bubueci" in result.pages[0].text


def test_password_protected_xls(corpus: Path, settings: Settings) -> None:
    with pytest.raises(EncryptedDocument):
        _run(XlsExtractor(), corpus / "ingest-file/password_protected.xls", settings)


def test_doc(corpus: Path, members: Path, settings: Settings) -> None:
    result = _run(TikaOfficeExtractor(), corpus / "ingest-file/doc.doc", settings)
    assert result.title == "Sample Word Document"
    assert "This is a sample Microsoft Word Document." in result.pages[0].text
    assert result.metadata["author"] == "Keith Bennett"
    other = _run(TikaOfficeExtractor(), members / "testWORD.doc", settings)
    assert "This is a sample Microsoft Word Document." in other.pages[0].text


def test_ppt(corpus: Path, members: Path, settings: Settings) -> None:
    slides = _run(TikaOfficeExtractor(), corpus / "ingest-file/slides.ppt", settings)
    assert slides.pages[0].text == "Now"
    assert slides.metadata["slide_count"] == "1"
    sample = _run(TikaOfficeExtractor(), members / "testPPT.ppt", settings)
    assert "Sample Powerpoint Slide" in sample.pages[0].text


def test_xls_and_rtf_from_the_sample_set(members: Path, settings: Settings) -> None:
    xls = _run(XlsExtractor(), members / "testEXCEL.xls", settings)
    assert "Sample Excel Worksheet - Numbers and their Squares" in xls.pages[0].text
    rtf = _run(RtfExtractor(), members / "testRTF.rtf", settings)
    assert "Test d’indexation Word" in rtf.pages[0].text
    odt = _run(OdtExtractor(), members / "testOpenOffice2.odt", settings)
    assert "This is a sample Open Office document" in odt.pages[0].text


@pytest.mark.parametrize(
    "extractor",
    [
        DocxExtractor(),
        XlsxExtractor(),
        PptxExtractor(),
        OdtExtractor(),
        OdsExtractor(),
        XlsExtractor(),
        TikaOfficeExtractor(),
        RtfExtractor(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_wrong_bytes_are_corrupt(extractor: Extractor, corpus: Path, settings: Settings) -> None:
    with pytest.raises(CorruptDocument):
        _run(extractor, corpus / "ingest-file/badzip.zip", settings)


def test_pptx_and_docx_built_here(tmp_path: Path, settings: Settings) -> None:
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    path = tmp_path / "deck.pptx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "ppt/presentation.xml",
            f'<p:presentation xmlns:p="p" xmlns:r="{rel}"><p:sldIdLst>'
            '<p:sldId r:id="rId2"/><p:sldId r:id="rId1"/></p:sldIdLst></p:presentation>',
        )
        z.writestr(
            "ppt/_rels/presentation.xml.rels",
            '<Relationships><Relationship Id="rId1" Type="x/slide" Target="slides/slide1.xml"/>'
            '<Relationship Id="rId2" Type="x/slide" Target="slides/slide2.xml"/></Relationships>',
        )
        for n in (1, 2):
            z.writestr(
                f"ppt/slides/slide{n}.xml",
                f'<p:sld xmlns:p="p" xmlns:a="a"><a:p><a:t>Slide {n}</a:t></a:p></p:sld>',
            )
        z.writestr(
            "ppt/slides/_rels/slide1.xml.rels",
            '<Relationships><Relationship Id="rId9" Type="x/notesSlide" '
            'Target="../notesSlides/n1.xml"/></Relationships>',
        )
        z.writestr(
            "ppt/notesSlides/n1.xml",
            '<p:notes xmlns:p="p" xmlns:a="a"><a:p><a:t>note one</a:t></a:p></p:notes>',
        )
    result = _run(PptxExtractor(), path, settings)
    assert [p.text for p in result.pages] == ["Slide 2", "Slide 1\n\nnote one"]


def test_docx_bomb_is_stopped(tmp_path: Path, settings: Settings) -> None:
    settings.max_expanded_mb = 1
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document xmlns:w='w'>" + b" " * (3 << 20) + b"</w:document>")
    with pytest.raises(LimitExceeded):
        _run(DocxExtractor(), path, settings)


def test_every_corpus_office_file_is_handled(corpus: Path, settings: Settings) -> None:
    pairs = {
        ".docx": DocxExtractor(),
        ".xlsx": XlsxExtractor(),
        ".odt": OdtExtractor(),
        ".ods": OdsExtractor(),
        ".xls": XlsExtractor(),
        ".doc": TikaOfficeExtractor(),
        ".ppt": TikaOfficeExtractor(),
    }
    for path in sorted((corpus / "ingest-file").iterdir()):
        extractor = pairs.get(path.suffix)
        if extractor is None:
            continue
        with contextlib.suppress(IngestError):
            _run(extractor, path, settings)


def test_unknown_ole_file(corpus: Path, settings: Settings) -> None:
    with pytest.raises(UnsupportedFormat):
        _run(OleStorageExtractor(), corpus / "ingest-file/doc.doc", settings)
