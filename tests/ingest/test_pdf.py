"""PDF: the text layer, metadata, encryption, and the per-page OCR decision.

A zero-byte ``empty.pdf`` is refused by the router with `EmptyDocument`: there is
nothing to index and the quarantine record says so.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.errors import CorruptDocument, EmptyDocument, EncryptedDocument
from ingest.extractors.pdf import needs_ocr, parse_pdf_date
from tests.ingest._extract_support import require_tesseract, run


def test_digital_pdf_text_matches_ground_truth(corpus: Path, settings: Settings) -> None:
    result = run(corpus / "ingest-file/udhr_ger.pdf", settings)
    text = " ".join(page.text for page in result.pages)
    truth = (corpus / "ingest-file/udhr_ger.txt").read_text(encoding="utf-8-sig")
    phrase = "Allgemeine Erklärung der Menschenrechte"
    assert phrase in truth
    assert phrase in text
    assert "Anerkennung der angeborenen Würde" in " ".join(text.split())
    assert len(result.pages) == 6


def test_digital_page_is_not_ocred(corpus: Path, settings: Settings) -> None:
    result = run(corpus / "ingest-file/udhr_ger.pdf", settings)
    assert all(not page.ocr and page.confidence is None for page in result.pages)


def test_metadata(corpus: Path, settings: Settings) -> None:
    result = run(corpus / "ingest-file/udhr_ger.pdf", settings)
    assert result.title.startswith("Resolution 217 A (III)")
    assert result.metadata["author"] == "OHCHR"
    assert result.date == datetime(2008, 11, 27, 13, 46, 42)


def test_password_protected_pdf(corpus: Path, settings: Settings) -> None:
    with pytest.raises(EncryptedDocument, match="password-protected PDF"):
        run(corpus / "ingest-file/password-hunter2.pdf", settings)


def test_zero_byte_pdf_is_empty(corpus: Path, settings: Settings) -> None:
    with pytest.raises(EmptyDocument):
        run(corpus / "ingest-file/empty.pdf", settings)


def test_truncated_pdf_is_corrupt(corpus: Path, settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(CorruptDocument):
        run(broken, settings)


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize(("name", "words"), [("jbig2.pdf", "ImageMagick"), ("greek.pdf", "HOLDINGS")])
def test_scanned_pdf_gets_ocr_text(corpus: Path, settings: Settings, name: str, words: str) -> None:
    require_tesseract()
    result = run(corpus / "ingest-file" / name, settings)
    first = result.pages[0]
    assert first.ocr
    # greek.pdf is mostly Greek, read here with ita+eng: its confidence is about 50
    assert first.confidence is not None and first.confidence > 40
    assert words in first.text


def test_ocr_disabled_leaves_a_warning(corpus: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, ocr_enabled=False, _env_file=None)  # type: ignore[call-arg]
    result = run(corpus / "ingest-file/jbig2.pdf", settings)
    assert all(not page.ocr for page in result.pages)
    assert len(result.warnings) == len(result.pages)
    assert "OCR is disabled" in result.warnings[0]


def test_ocr_decision() -> None:
    good = "Il cliente Rossi lamenta un errore nella fattura 2024/118 del 3 marzo. " * 3
    assert not needs_ocr(good, image_coverage=0.0)
    assert needs_ocr("Pagina 1", image_coverage=0.0)  # < 50 characters
    assert needs_ocr(good, image_coverage=0.9)  # a scan with a small text stamp
    assert not needs_ocr(good * 5, image_coverage=0.9)  # a digital page with a photo
    assert needs_ocr("\ufffd" * 30 + good, image_coverage=0.0)  # no Unicode map
    assert needs_ocr("\ue001\ue002" * 30 + good, image_coverage=0.0)  # private use


def test_pdf_dates() -> None:
    assert parse_pdf_date("D:20150710091300+03'00'") is not None
    assert str(parse_pdf_date("D:20150710091300+03'00'")) == "2015-07-10 09:13:00+03:00"
    assert parse_pdf_date("D:2020") == datetime(2020, 1, 1)
    assert parse_pdf_date("yesterday") is None
