"""OCR quality on tesseract's own test scans: character error rate at most 2%.

CER = Levenshtein distance / length of the reference, after collapsing whitespace.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ingest.ocr import OcrResult, OcrUnavailable, ocr_image
from tests.ingest._extract_support import require_tesseract

MAX_CER = 0.02


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, two rows at a time."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def cer(found: str, reference: str) -> float:
    found, reference = " ".join(found.split()), " ".join(reference.split())
    return edit_distance(found, reference) / len(reference)


def test_edit_distance() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert cer("a  b\nc", "a b c") == 0.0


@pytest.mark.integration
@pytest.mark.parametrize(
    ("image", "truth"),
    [
        ("phototest.tif", "phototest.txt"),
        ("eurotext.tif", "eurotext.txt"),
        ("phototest-rotated-180.png", "phototest.txt"),
        ("phototest-rotated-R.png", "phototest.txt"),
    ],
)
def test_character_error_rate(corpus: Path, image: str, truth: str) -> None:
    require_tesseract()
    with Image.open(corpus / "ocr" / image) as scan:
        result = ocr_image(scan, "ita+eng")
    reference = (corpus / "ocr" / truth).read_text(encoding="utf-8")
    rate = cer(result.text, reference)
    print(f"{image}: CER {rate:.4f}, mean confidence {result.confidence:.1f}")
    assert rate <= MAX_CER, f"CER {rate:.2%} > {MAX_CER:.0%}: {result.text!r}"
    assert result.confidence is not None and result.confidence > 80


@pytest.mark.integration
def test_blank_image_reads_nothing() -> None:
    require_tesseract()
    result = ocr_image(Image.new("L", (600, 400), 255))
    assert result == OcrResult("", None)


@pytest.mark.integration
def test_degraded_scan_is_retried_and_still_read(corpus: Path) -> None:
    """Salt-and-pepper noise over a small scan: the cleaned retry must rescue it."""
    require_tesseract()
    import numpy as np

    with Image.open(corpus / "ocr/phototest.tif") as scan:
        gray = np.asarray(scan.convert("L")).copy()
    rng = np.random.default_rng(7)
    noise = rng.random(gray.shape)
    gray[noise < 0.08] = 0
    gray[noise > 0.92] = 255
    result = ocr_image(Image.fromarray(gray))
    reference = (corpus / "ocr/phototest.txt").read_text(encoding="utf-8")
    assert cer(result.text, reference) < 0.05  # the first pass alone reads nothing at all


def test_missing_tesseract_is_the_machines_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ingest.ocr.shutil.which", lambda name: None)
    with pytest.raises(OcrUnavailable, match="tesseract is not installed"):
        ocr_image(Image.new("L", (10, 10), 255))
