"""A second look at the key fields' lines: cropped, enlarged, read again (ingest.ocr_second_look)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from ingest.ocr import _as_row, ocr_image
from ingest.ocr_missed import WordT
from ingest.ocr_second_look import (
    Crop,
    accepted,
    crop_words,
    field_lines,
    second_look,
    stack_lines,
    worth_a_look,
)
from tests.ingest._extract_support import require_tesseract


def test_a_total_is_taken_when_the_amount_read_again_is_printed_elsewhere() -> None:
    first: list[WordT] = [("106.50", 91.0, 300, 500, 60, 18, 20)]
    second: list[WordT] = [("108.50", 88.0, 300, 500, 60, 18, 20)]
    assert accepted("total", first, second, [108.50, 1.50])  # "CASH 108.50": paid, no change
    assert not accepted("total", first, second, [5.00])  # nothing agrees: the first reading stays
    assert not accepted("total", first, second, [106.50, 108.50])  # both printed: no evidence either way
    assert not accepted("total", first, [("108", 95.0, 300, 500, 40, 18, 20)], [108.0])  # no decimals
    assert not accepted("total", first, [("14.0)", 95.0, 300, 500, 40, 18, 20)], [14.0])  # no cents


def test_a_name_or_date_is_taken_when_read_with_more_confidence_and_the_same_shape() -> None:
    name: list[WordT] = [("(KUCHAT)", 83.0, 10, 10, 90, 20, 0), ("SDN", 90.0, 110, 10, 40, 20, 0)]
    better: list[WordT] = [("(KUCHAI)", 92.0, 10, 10, 90, 20, 0), ("SDN", 93.0, 110, 10, 40, 20, 0)]
    assert accepted("supplier", name, better, [])
    assert not accepted("supplier", better, name, [])  # less sure
    assert not accepted("supplier", name, [*better, ("ALP", 95.0, 160, 10, 40, 20, 0)], [])  # another word
    toast: list[WordT] = [("THE", 80.0, 10, 10, 40, 20, 0), ("TOAST", 90.0, 60, 10, 70, 20, 0)]
    noisy: list[WordT] = [("THE:", 95.0, 10, 10, 40, 20, 0), ("TOAST", 95.0, 60, 10, 70, 20, 0)]
    assert not accepted("supplier", toast, noisy, [])  # more symbols: OCR's noise
    date: list[WordT] = [("06/03/18", 69.0, 10, 40, 90, 20, 1)]
    assert accepted("doc_date", date, [("04/03/18", 94.0, 10, 40, 90, 20, 1)], [])
    assert not accepted("doc_date", date, [("04/O3/l8", 94.0, 10, 40, 90, 20, 1)], [])  # no date as printed


def test_only_lines_whose_second_reading_could_be_taken_are_cropped() -> None:
    words: list[WordT] = [
        ("KEDAI", 96.0, 10, 10, 80, 20, 0),
        ("RUNCIT", 70.0, 100, 10, 90, 20, 0),
        ("01/02/2018", 97.0, 10, 40, 120, 20, 1),
        ("TOTAL", 95.0, 10, 100, 60, 18, 5),
        ("8.70", 91.0, 300, 100, 50, 18, 5),
        ("CASH", 95.0, 10, 130, 50, 18, 6),
        ("8.70", 96.0, 300, 130, 60, 18, 6),
    ]
    crops = [
        Crop("supplier", 0, (0, 1), 0, 5, 200, 35, 1.5),
        Crop("doc_date", 1, (2,), 0, 35, 140, 65, 1.5),
        Crop("total", 5, (4,), 290, 96, 360, 122, 1.5),
    ]
    # the name has an unsure word; the date is sure; the total agrees with the cash already
    assert [c.field for c in worth_a_look(words, crops)] == ["supplier"]


def test_accepted_words_replace_the_crops_words_and_punctuation_alone_is_dropped() -> None:
    words: list[WordT] = [
        ("TOTAL", 95.0, 10, 100, 60, 18, 5),
        ("1,25", 80.0, 300, 100, 50, 18, 5),
        ("CASH", 95.0, 10, 130, 50, 18, 6),
        ("11.25", 96.0, 300, 130, 60, 18, 6),
    ]
    crop = Crop("total", 5, (1,), 290, 96, 360, 122, 2.0)
    read: list[WordT] = [(":", 40.0, 292, 100, 4, 18, 5), ("11.25", 93.0, 300, 100, 60, 18, 5)]
    merged = second_look(words, [crop], [read])
    assert [w[0] for w in merged] == ["TOTAL", "CASH", "11.25", "11.25"]
    assert merged[-1][6] == 5  # on the total's line


def test_the_fields_lines_of_a_receipt_are_cropped_enlarged_and_mapped_back(corpus: Path) -> None:
    require_tesseract()
    with Image.open(sorted((corpus / "receipts" / "img").glob("*.jpg"))[0]) as image:
        image.load()
        gray = ImageOps.grayscale(image)
    result = ocr_image(image, "ita+eng")
    words = [_as_row(w) for w in result.words]
    crops = field_lines(words, gray.size)
    assert crops and {c.field for c in crops} <= {"doc_date", "total", "supplier"}
    for crop in crops:
        assert all(crop.left <= words[i][2] and words[i][2] + words[i][4] <= crop.right for i in crop.members)
        assert crop.scale >= 1.0
    stack, offsets = stack_lines(gray, crops)
    assert len(offsets) == len(crops) and stack.height < gray.height
    # a word read at the start of each crop's band lands inside that crop on the page
    read: list[WordT] = [("X", 90.0, 12, y + 2, 10, 10, 0) for y in offsets]
    for crop, found in zip(crops, crop_words(crops, offsets, read), strict=True):
        assert len(found) == 1 and crop.left <= found[0][2] <= crop.right and found[0][6] == crop.line
