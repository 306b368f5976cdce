"""OCR of receipts and tilted, faint, narrow pages: never worse than raw tesseract on the same image.

Real scans from ../shared/corpus (SROIE receipts, tesseract's phototest), and
variants of them made here: turned by 10°, upside down, printed faint, shrunk.
Raw tesseract is the CLI with the same languages and ``--psm 1``.
"""

from __future__ import annotations

import csv
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.ocr import OcrWord, _is_junk, ocr_image
from ingest.ocr_prepare import measure
from tests.ingest._extract_support import require_tesseract
from tests.ingest.test_ocr import cer

pytestmark = pytest.mark.integration


def receipt(corpus: Path, stem: str) -> tuple[Image.Image, str]:
    """A receipt scan and its printed lines (the reference), lower case."""
    with Image.open(corpus / "receipts" / "img" / f"{stem}.jpg") as scan:
        scan.load()
        image = scan.convert("RGB")
    with (corpus / "receipts" / "box" / f"{stem}.csv").open(encoding="utf-8", errors="replace") as file:
        lines = [",".join(row[8:]) for row in csv.reader(file) if len(row) >= 9]
    return image, "\n".join(lines).lower()


def raw_tesseract(image: Image.Image, tmp_path: Path) -> str:
    path = tmp_path / "page.png"
    image.save(path)
    done = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "ita+eng", "--psm", "1"],
        capture_output=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        check=True,
    )
    return done.stdout.decode("utf-8", "replace")


def test_separator_lines_are_not_read_as_words() -> None:
    assert _is_junk(["ee", "ee", "ee", "ee", "ee"])
    assert _is_junk(["-------------------"])
    assert _is_junk(["=====", "====="])
    assert not _is_junk(["TOTAL", "54.50"])
    assert not _is_junk(["*", "THANK", "YOU", "*"])
    assert not _is_junk(["1", "x", "2.00"])


def test_receipt_with_dashed_separators_reads_no_worse_than_raw(corpus: Path, tmp_path: Path) -> None:
    """Receipt 088 prints a dozen dashed rules (34 px print): read at its size, no junk line is kept."""
    require_tesseract()
    image, reference = receipt(corpus, "088")
    assert (measure(image.convert("L")).text_height or 0) > 25  # read at its size, not enlarged
    result = ocr_image(image, "ita+eng")
    raw = raw_tesseract(image, tmp_path)
    assert not [line for line in result.text.splitlines() if line.strip() and _is_junk(line.split())]
    assert cer(result.text.lower(), reference) <= cer(raw.lower(), reference)
    assert len(result.text) <= 1.2 * len(reference)


def test_receipt_words_carry_boxes_on_the_scan(corpus: Path) -> None:
    require_tesseract()
    image, _reference = receipt(corpus, "020")
    result = ocr_image(image, "ita+eng")
    dates = [w for w in result.words if w.text == "06/03/2018"]
    assert dates, result.text
    for word in result.words:
        assert word.left >= 0 and word.left + word.width <= image.width
        assert word.top >= 0 and word.top + word.height <= image.height
    # the date is printed at x 460–587, y 561–582 (the corpus's own box for it)
    assert abs(dates[0].left - 460) < 10 and abs(dates[0].top - 561) < 10


def test_faint_receipt_is_read(corpus: Path) -> None:
    """The same receipt printed faint: ink 40 grey levels from the paper instead of 200."""
    require_tesseract()
    image, reference = receipt(corpus, "064")
    gray = np.asarray(image.convert("L")).astype(np.float64)
    faint = Image.fromarray((255 - (255 - gray) * 0.2).astype(np.uint8))
    clean = ocr_image(image.convert("L"), "ita+eng")
    result = ocr_image(faint, "ita+eng")
    assert cer(result.text.lower(), reference) <= cer(clean.text.lower(), reference) + 0.05


def test_narrow_receipt_is_enlarged_and_read(corpus: Path, tmp_path: Path) -> None:
    """A receipt scanned at 30% of its size: lines of ~8 px, which raw tesseract reads poorly."""
    require_tesseract()
    image, reference = receipt(corpus, "064")
    small = image.resize((round(image.width * 0.3), round(image.height * 0.3)), Image.Resampling.LANCZOS)
    height = measure(small.convert("L")).text_height
    assert height is not None and height < 10  # the case under test: the page is enlarged
    result = ocr_image(small, "ita+eng")
    assert cer(result.text.lower(), reference) <= cer(raw_tesseract(small, tmp_path).lower(), reference)
    assert cer(result.text.lower(), reference) < 0.35


def test_upside_down_receipt_reads_upright(corpus: Path) -> None:
    require_tesseract()
    image, reference = receipt(corpus, "064")
    upright = ocr_image(image, "ita+eng")
    turned = ocr_image(image.rotate(180), "ita+eng")
    # read upright (upside down it would be ~1.0); turning a JPEG costs a few characters
    assert cer(turned.text.lower(), reference) <= cer(upright.text.lower(), reference) + 0.05


@pytest.mark.parametrize("degrees", [10.0, -10.0])
def test_clean_page_turned_by_ten_degrees_reads(corpus: Path, degrees: float) -> None:
    """phototest turned by 10°: deskewed, read as well as upright, boxes on the turned image."""
    require_tesseract()
    with Image.open(corpus / "ocr" / "phototest.tif") as scan:
        page = scan.convert("L")
    reference = (corpus / "ocr" / "phototest.txt").read_text(encoding="utf-8")
    upright = ocr_image(page)
    turned = page.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    result = ocr_image(turned)
    assert cer(result.text, reference) <= 0.02, result.text
    # each word's box is where that word went when the page was turned
    theta = math.radians(degrees)
    for word in ("quick", "lazy", "format."):
        before = _first(upright.words, word)
        after = _first(result.words, word)
        dx = before.left + before.width / 2 - page.width / 2
        dy = before.top + before.height / 2 - page.height / 2
        x = turned.width / 2 + dx * math.cos(theta) + dy * math.sin(theta)
        y = turned.height / 2 - dx * math.sin(theta) + dy * math.cos(theta)
        assert abs(after.left + after.width / 2 - x) < 12 and abs(after.top + after.height / 2 - y) < 12


def _first(words: tuple[OcrWord, ...], text: str) -> OcrWord:
    return next(w for w in words if w.text == text)
