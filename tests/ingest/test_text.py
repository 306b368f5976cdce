"""Plain text and text-like formats through detection and the router."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from ingest.errors import EmptyDocument
from ingest.extractors.text import decode_text
from tests.ingest._extract_support import run


def test_utf8_text(corpus: Path, settings: Settings) -> None:
    result = run(corpus / "ingest-file/utf.txt", settings)
    assert result.pages[0].text.startswith("Îș unî©ođ€.")
    assert result.metadata["encoding"] == "utf-8"


def test_non_utf8_text_is_decoded(corpus: Path, settings: Settings) -> None:
    text = run(corpus / "ingest-file/non_utf.txt", settings).pages[0].text
    assert "Großbritanniens größter Partei" in text
    assert "\ufffd" not in text


def test_non_utf8_csv_is_decoded(corpus: Path, settings: Settings) -> None:
    text = run(corpus / "ingest-file/countries_nonutf.csv", settings).pages[0].text
    assert '"Flensburg, Stadt"' in text
    assert "\ufffd" not in text
    assert "Lübeck" in text


def test_bom_is_dropped(corpus: Path, settings: Settings) -> None:
    text = run(corpus / "ingest-file/udhr_ger.txt", settings).pages[0].text
    assert text.startswith("Resolution 217 A (III)")


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks(codec: str) -> None:
    text, _encoding = decode_text("Perché la fattura è già pagata?".encode(codec))
    assert text == "Perché la fattura è già pagata?"


@pytest.mark.parametrize(
    "relative",
    [
        "ingest-file/example_2.json",
        "ingest-file/meetup.ics",
        "ingest-file/john-doe.vcf",
        "italian/fatturapa/real-world/IT02182030391_32.windows-1252.xml",
    ],
)
def test_structured_text_reads_as_text(corpus: Path, settings: Settings, relative: str) -> None:
    result = run(corpus / relative, settings)
    assert len(result.pages) == 1
    assert result.pages[0].text.strip()
    assert not result.pages[0].ocr


def test_windows_1252_invoice_keeps_accents(corpus: Path, settings: Settings) -> None:
    path = corpus / "italian/fatturapa/real-world/IT02182030391_32.windows-1252.xml"
    text = run(path, settings).pages[0].text
    assert "\ufffd" not in text
    assert "Lotto di 2 fatture" in text


def test_zero_byte_file_is_empty(tmp_path: Path, settings: Settings) -> None:
    empty = tmp_path / "note.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyDocument):
        run(empty, settings)


def test_short_italian_windows_1252_is_not_read_as_central_european() -> None:
    text, _encoding = decode_text("Perché è così, città".encode("cp1252"))
    assert text == "Perché è così, città"


def test_polish_windows_1250_stays_polish() -> None:
    text, _encoding = decode_text("Zażółć gęślą jaźń, świętą".encode("cp1250"))
    assert text == "Zażółć gęślą jaźń, świętą"
