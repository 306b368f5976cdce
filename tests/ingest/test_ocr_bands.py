"""Lines read as nothing, their print broken into specks: found as bands, read again (ingest.ocr_bands)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.ocr import OcrResult, _fill_missed, ocr_image
from ingest.ocr_bands import unread_bands
from ingest.ocr_prepare import ink_mask
from tests.ingest._extract_support import require_tesseract

FORMAT_LINE = 2  # "of file format." on tesseract's test page
FORMAT_ROWS = slice(150, 192)


@pytest.fixture(scope="module")
def test_page(corpus: Path) -> Image.Image:
    with Image.open(corpus / "ocr" / "phototest.tif") as image:
        return image.convert("L")


def broken_line(page: Image.Image) -> Image.Image:
    """The page with its third line's ink light and speckled: at the ink threshold it breaks into specks.

    The print is kept readable (grey 100 or 170 on white), as thin thermal print is.
    """
    values = np.asarray(page).copy()
    band = values[FORMAT_ROWS, :]
    ink = band < 128
    band[ink] = np.where(np.random.default_rng(15).random(int(ink.sum())) < 0.4, 100, 170)
    return Image.fromarray(values)


def without_line(result: OcrResult, number: int) -> OcrResult:
    """`result` as if tesseract had read nothing of line `number` (the lines below renumbered)."""
    words = tuple(replace(w, line=w.line - (w.line > number)) for w in result.words if w.line != number)
    dropped = [w.text for w in result.words if w.line == number]
    texts = [text for text in result.text.split("\n") if text != " ".join(dropped)]
    return OcrResult("\n".join(texts), result.confidence, words)


def test_a_line_broken_into_specks_is_read_back_into_its_place(test_page: Image.Image) -> None:
    """Read in the pass that reads the page's other missed text (here the last word of the line above)."""
    require_tesseract()
    first = ocr_image(test_page, "eng")
    assert [w.text for w in first.words if w.line == FORMAT_LINE] == ["of", "file", "format."]
    missing = without_line(first, FORMAT_LINE)
    types = max((w for w in missing.words if w.line == 1), key=lambda w: w.left)
    missing = replace(missing, words=tuple(w for w in missing.words if w is not types))
    result = _fill_missed(missing, broken_line(test_page), "eng")
    lines = [text for text in result.text.split("\n") if text]
    assert lines[1:4] == [
        "ocr code and see if it works on all types",
        "of file format.",
        "The quick brown dog jumped over the",
    ]
    assert [w.text for w in result.words if w.line == FORMAT_LINE] == ["of", "file", "format."]


def test_a_broken_line_alone_starts_no_pass(test_page: Image.Image) -> None:
    """With nothing else missed, the band is not worth a tesseract start of its own: the reading stays."""
    require_tesseract()
    missing = without_line(ocr_image(test_page, "eng"), FORMAT_LINE)
    assert _fill_missed(missing, broken_line(test_page), "eng") == missing


def test_the_broken_line_is_one_band_and_the_lines_read_are_none(test_page: Image.Image) -> None:
    require_tesseract()
    first = without_line(ocr_image(test_page, "eng"), FORMAT_LINE)
    boxes = [(w.left, w.top, w.width, w.height) for w in first.words]
    size = float(np.median([w.height for w in first.words]))
    bands = unread_bands(ink_mask(np.asarray(broken_line(test_page))), boxes, size)
    assert len(bands) == 1
    left, top, right, bottom = bands[0]
    assert left <= 40 and right >= 215 and 150 <= top < bottom <= 192


def test_a_dashed_rule_and_the_scans_border_are_no_band() -> None:
    page = np.zeros((200, 400), dtype=bool)
    page[100:103, 20:380] = np.arange(360) % 12 < 7  # a dashed rule, 3 px high
    page[:, :4] = True  # the scan's dark border
    page[40:60, 100:300] = True  # a line that was read
    assert unread_bands(page, [(100, 40, 200, 20)], 20.0) == []
