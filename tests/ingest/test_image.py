"""Raster images: one OCRed page per frame; odd formats do not crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from ingest.errors import CorruptDocument
from tests.ingest._extract_support import require_tesseract, run


@pytest.mark.integration
def test_multipage_tiff_gives_one_page_per_frame(corpus: Path, settings: Settings) -> None:
    require_tesseract()
    result = run(corpus / "ingest-file/multipage_tiff_example.tif", settings)
    assert len(result.pages) == 10
    assert [page.number for page in result.pages] == list(range(1, 11))
    assert all(page.ocr and "Multipage" in page.text for page in result.pages)
    # tesseract reads this font's "7" as "/" whatever we do; every other frame is exact
    numbered = [f"Page {page.number}" in page.text for page in result.pages]
    assert sum(numbered) >= 9


@pytest.mark.integration
@pytest.mark.parametrize(
    "name",
    [
        "regression_gif.gif",
        "regression_jpg.jpg",
        "regression_openjpeg.jp2",
        "regression_tiff.tiff",
        "regression_webp.webp",
        "hello_world_tiff.tif",
    ],
)
def test_regression_images_are_read(corpus: Path, settings: Settings, name: str) -> None:
    require_tesseract()
    result = run(corpus / "ingest-file" / name, settings)
    assert result.pages
    first = result.pages[0]
    assert first.ocr and first.confidence is not None
    assert first.text.strip()


def test_ocr_disabled_gives_empty_pages_and_a_warning(corpus: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, ocr_enabled=False, _env_file=None)  # type: ignore[call-arg]
    result = run(corpus / "ingest-file/multipage_tiff_example.tif", settings)
    assert [page.text for page in result.pages] == [""] * 10
    assert result.warnings == ["OCR is disabled: the image text was not read"]


def test_truncated_image_is_corrupt(corpus: Path, settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "scan.png"
    broken.write_bytes((corpus / "ocr/phototest-rotated-R.png").read_bytes()[:2000])
    with pytest.raises(CorruptDocument):
        run(broken, settings)
