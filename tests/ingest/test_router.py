"""The registry finds every extractor module; the router translates failures."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from core.settings import Settings
from ingest.errors import CorruptDocument, EmptyDocument, UnsupportedFormat
from ingest.extractors import registry
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.extractors.html import HtmlExtractor
from ingest.extractors.image import ImageExtractor
from ingest.extractors.pdf import PdfExtractor
from ingest.extractors.text import TextExtractor
from ingest.router import extract


def test_every_module_is_discovered() -> None:
    found = registry.all_extractors()
    for cls in (TextExtractor, HtmlExtractor, PdfExtractor, ImageExtractor):
        assert cls in found
    assert len(found) == len(set(found))


@pytest.mark.parametrize(
    ("mime", "expected"),
    [
        ("application/pdf", PdfExtractor),
        ("text/plain", TextExtractor),
        ("text/csv", TextExtractor),
        ("text/html", HtmlExtractor),
        ("image/tiff", ImageExtractor),
        ("image/jp2", ImageExtractor),
    ],
)
def test_extractor_for(mime: str, expected: type[Extractor]) -> None:
    assert isinstance(registry.extractor_for(mime, "x"), expected)


def test_unknown_type_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat, match=r"no extractor reads image/vnd\.djvu \(scan\.djvu\)"):
        registry.extractor_for("image/vnd.djvu", "scan.djvu")


def test_highest_score_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    class Better(Extractor):
        MIME_TYPES: ClassVar[tuple[str, ...]] = ("text/plain",)
        SCORE: ClassVar[int] = 50

    monkeypatch.setattr(registry, "all_extractors", lambda: (TextExtractor, Better))
    assert isinstance(registry.extractor_for("text/plain", "a.txt"), Better)


def test_library_errors_become_corrupt_document(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
) -> None:
    class Fragile(Extractor):
        MIME_TYPES: ClassVar[tuple[str, ...]] = ("text/plain",)

        def extract(self, source: Source) -> Extraction:
            raise KeyError("xref")

    monkeypatch.setattr(registry, "all_extractors", lambda: (Fragile,))
    path = tmp_path / "a.txt"
    path.write_text("ciao")
    with pytest.raises(CorruptDocument, match="Fragile could not read text/plain") as caught:
        extract(Source(path, "a.txt", "text/plain", settings))
    assert isinstance(caught.value.__cause__, KeyError)


def test_zero_bytes_is_empty(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    path.write_bytes(b"")
    with pytest.raises(EmptyDocument):
        extract(Source(path, "scan.tif", "image/tiff", settings))
