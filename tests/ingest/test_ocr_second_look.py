"""A second look at the key fields' lines by PaddleOCR's recogniser (ingest.ocr_second_look)."""

from __future__ import annotations

import csv
from pathlib import Path

from PIL import Image, ImageOps

from ingest.ocr import OcrResult, OcrWord, _as_row, _second_look, ocr_image
from ingest.ocr_line_reader import line_reader_available, read_lines
from ingest.ocr_missed import WordT
from ingest.ocr_second_look import Crop, date_lines, field_lines, merge_spaces, runs_of_words, second_look
from tests.ingest._extract_support import require_tesseract

FIELDS = ("doc_date", "total", "supplier")


def _printed_lines(corpus: Path, stem: str) -> list[tuple[tuple[int, int, int, int], str]]:
    """The receipt's transcribed lines: box (left, top, right, bottom) and text."""
    lines = []
    with (corpus / "receipts" / "box" / f"{stem}.csv").open(encoding="utf-8", errors="replace") as file:
        for row in csv.reader(file):
            if len(row) >= 9:
                xs, ys = [int(v) for v in row[0:8:2]], [int(v) for v in row[1:8:2]]
                lines.append(((min(xs), min(ys), max(xs), max(ys)), ",".join(row[8:])))
    return lines


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def test_the_recogniser_ships_with_the_project() -> None:
    assert line_reader_available()  # requirements-model.txt: nothing is downloaded at run time


def test_printed_lines_of_real_receipts_are_read_nearly_letter_for_letter(corpus: Path) -> None:
    stems = sorted(p.stem for p in (corpus / "receipts" / "img").glob("*.jpg"))[:3]
    errors = characters = 0
    for stem in stems:
        with Image.open(corpus / "receipts" / "img" / f"{stem}.jpg") as image:
            gray = ImageOps.grayscale(image)
        lines = _printed_lines(corpus, stem)
        crops = []
        for (left, top, right, bottom), _ in lines:
            pad = (bottom - top) // 3
            crops.append(gray.crop((left - pad, top - pad, right + pad, bottom + pad)))
        for reading, (_, printed) in zip(read_lines(crops), lines, strict=True):
            assert 0.0 <= reading.confidence <= 1.0
            errors += _distance(reading.text.upper().replace(" ", ""), printed.upper().replace(" ", ""))
            characters += len(printed.replace(" ", ""))
    assert characters > 500
    assert errors / characters < 0.05  # tesseract's whole-page reading of these receipts: CER about 0.2


def test_the_second_readings_letters_take_the_first_readings_spaces() -> None:
    assert merge_spaces("SANYU STATIONERY SHOP", "SANYUSTATIONERYSHOP") == "SANYU STATIONERY SHOP"
    assert merge_spaces("MR. D.I.Y. (M) SDN BHD", "MR.D.I.Y. (M) SDN BHD") == "MR. D.I.Y. (M) SDN BHD"
    assert merge_spaces("TEO HENG STATIONERY", "TED HENG STATIONERY") == "TED HENG STATIONERY"
    assert merge_spaces("CW KHOO HARDWARE", "C W KHOO HARDWARE") == "C W KHOO HARDWARE"  # its own spaces stay
    # a space of the first reading between letters the second does not confirm is not carried over
    assert merge_spaces("RESTORAN WAN ca l»", "RESTORAN WAN SHENG") == "RESTORAN WAN SHENG"
    assert merge_spaces("", "TOTAL 9.00") == "TOTAL 9.00"


def test_a_line_is_cut_into_runs_at_wide_gaps() -> None:
    words: list[WordT] = [
        ("Date:", 90.0, 10, 100, 50, 20, 3),
        ("25/12/2018", 80.0, 70, 100, 110, 20, 3),
        ("Cashier:", 90.0, 300, 100, 80, 20, 3),  # 120 px (6 text heights) after the date
        ("TOTAL", 95.0, 10, 200, 60, 20, 7),
    ]
    runs = runs_of_words(words, [Crop("doc_date", 3, (1,))])
    assert [run.members for run in runs] == [(0, 1), (2,)]  # the whole line, not only the date's word
    assert (runs[0].left, runs[0].right, runs[0].height) == (10, 180, 20)


def test_a_misread_name_on_a_real_receipt_is_read_again_right(corpus: Path) -> None:
    stem = sorted(p.stem for p in (corpus / "receipts" / "img").glob("*.jpg"))[0]
    (left, top, right, bottom), printed = _printed_lines(corpus, stem)[0]
    tokens = printed.split()
    misread = ["".join("0" if c == "O" else "l" if c == "I" else c for c in t) + "»" for t in tokens]
    width = (right - left) // len(tokens)
    words: list[WordT] = [
        (text, 60.0, left + n * width, top, width - 4, bottom - top, 0) for n, text in enumerate(misread)
    ]
    with Image.open(corpus / "receipts" / "img" / f"{stem}.jpg") as image:
        gray = ImageOps.grayscale(image)
    crop = Crop("supplier", 0, tuple(range(len(words))))
    again = second_look(words, [crop], gray)
    read = " ".join(w[0] for w in sorted(again, key=lambda w: w[2]))
    assert _distance(read.upper(), printed.upper()) < _distance(" ".join(misread).upper(), printed.upper())
    assert all(w[6] == 0 and left <= w[2] <= right for w in again)  # on the name's line, inside its box


def test_a_page_without_a_total_is_not_read_again() -> None:
    words = (OcrWord("Gentile", 70.0, 10, 10, 80, 20, 0), OcrWord("cliente,", 70.0, 100, 10, 90, 20, 0))
    result = OcrResult("Gentile cliente,", 70.0, words)
    assert _second_look(result, Image.new("L", (300, 60), 255)) is result


def test_the_fields_lines_of_a_receipt_are_found_on_its_reading(corpus: Path) -> None:
    require_tesseract()
    with Image.open(sorted((corpus / "receipts" / "img").glob("*.jpg"))[0]) as image:
        image.load()
    result = ocr_image(image, "ita+eng")
    words = [_as_row(w) for w in result.words]
    crops = field_lines(words, image.size)
    assert crops and {c.field for c in crops} <= set(FIELDS)
    for crop in crops:
        assert crop.members and all(words[i][6] == crop.line for i in crop.members)
    runs = runs_of_words(words, crops)
    assert {words[run.members[0]][6] for run in runs} == {crop.line for crop in crops}


def test_when_no_date_was_read_the_lines_a_date_may_be_on_are_read_again() -> None:
    words: list[WordT] = [
        ("TEO", 60.0, 10, 10, 40, 20, 0),
        ("HENG", 90.0, 60, 10, 50, 20, 0),
        ("Date", 90.0, 10, 40, 40, 20, 1),
        (":", 90.0, 55, 40, 5, 20, 1),
        ("23-06-", 70.0, 70, 40, 60, 20, 1),
        ("201817:", 70.0, 140, 40, 70, 20, 1),
        ("Dare:", 60.0, 10, 70, 50, 20, 2),
        ("92/02/2018", 60.0, 70, 70, 100, 20, 2),
        ("Date:", 90.0, 10, 100, 50, 20, 3),  # a label without a digit: nothing to read again
        ("TOTAL", 95.0, 10, 130, 60, 20, 4),
        ("9.00", 95.0, 200, 130, 40, 20, 4),
    ]
    crops = [Crop("supplier", 0, (0, 1)), Crop("total", 4, (10,))]
    assert [(c.field, c.line) for c in date_lines(words, crops)] == [("doc_date", 1), ("doc_date", 2)]
    assert date_lines(words, [*crops, Crop("doc_date", 2, (7,))]) == []  # a date was read: no extra line


def test_word_boxes_of_no_size_or_outside_the_page_are_not_read_again() -> None:
    words: list[WordT] = [
        ("TOTAL", 95.0, 500, 10, 60, 20, 0),  # right of a 300 px wide page
        ("9.00", 95.0, 20, 40, 0, 0, 1),  # no size
    ]
    crops = [Crop("total", 0, (0,)), Crop("total", 1, (1,))]
    assert second_look(words, crops, Image.new("L", (300, 60), 255)) == words
