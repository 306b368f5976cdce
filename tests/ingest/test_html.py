"""HTML: visible text with block structure, title from <title>."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from ingest.extractors.html import decode_html, html_to_text
from tests.ingest._extract_support import run


def test_corpus_page(corpus: Path, settings: Settings) -> None:
    result = run(corpus / "ingest-file/doc.html", settings)
    assert result.title == "Ingestors Title"
    text = result.pages[0].text
    assert "Test web page." in text
    assert "GoogleAnalyticsObject" not in text  # script dropped
    assert "font-family" not in text  # style dropped


def test_blank_page_gives_empty_text(corpus: Path, settings: Settings) -> None:
    result = run(corpus / "ingest-file/empty_5_doc_pages.html", settings)
    assert result.pages[0].text == ""


def test_blocks_become_lines() -> None:
    title, text = html_to_text(
        "<html><head><title> Reclamo  Rossi </title><script>var x = 1;</script></head>"
        "<body><h1>Oggetto</h1><p>Fattura <b>2024/118</b> errata.</p><ul><li>uno</li><li>due</li></ul>"
        "<table><tr><td>a</td><td>b</td></tr></table></body></html>"
    )
    assert title == "Reclamo Rossi"
    assert text.splitlines() == ["Oggetto", "", "Fattura 2024/118 errata.", "", "uno", "", "due", "", "a b"]


def test_declared_charset_is_honoured() -> None:
    data = '<html><head><meta charset="windows-1252"></head><body>Perché è così</body></html>'
    text, encoding = decode_html(data.encode("cp1252"))
    assert "Perché è così" in text
    assert encoding == "cp1252"
