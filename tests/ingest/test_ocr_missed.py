"""Text the page layout left out beside a line: found on the ink, read again (ingest.ocr_missed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ingest.ocr import OcrResult, OcrWord, _fill_missed, _is_junk, ocr_image
from ingest.ocr_missed import merge_words, missed_segments, stack_segments
from tests.ingest._extract_support import require_tesseract


def receipt_line() -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A strip with "Total" at the left and "8.70" at the right, a dashed rule above; "Total"'s box."""
    page = Image.new("L", (600, 90), 255)
    draw = ImageDraw.Draw(page)
    for x in range(10, 590, 12):  # a dashed separator, a few pixels high
        draw.line((x, 22, x + 6, 22), fill=0, width=2)
    draw.text((20, 40), "Total", fill=0, font_size=28)
    draw.text((480, 40), "8.70", fill=0, font_size=28)
    box = page.crop((0, 30, 200, 90)).point(lambda v: 255 - v).getbbox()
    assert box is not None
    left, top, right, bottom = box
    return page, (left, top + 30, right - left, bottom - top)


def test_ink_beside_a_read_line_is_a_missed_segment_and_a_dashed_rule_is_not() -> None:
    page, (left, top, width, height) = receipt_line()
    segments = missed_segments(page, [("Total", 96.0, left, top, width, height, 0)])
    assert len(segments) == 1
    line, x0, y0, x1, y1 = segments[0]
    assert line == 0 and 470 <= x0 <= 490 and 530 <= x1 <= 560 and 30 <= y0 < y1 <= 90


def test_nothing_is_missed_when_every_blob_is_covered() -> None:
    page, (left, top, width, height) = receipt_line()
    words = [("Total", 96.0, left, top, width, height, 0), ("8.70", 95.0, 470, top - 4, 90, height + 8, 0)]
    assert missed_segments(page, words) == []


def test_words_read_in_the_stack_go_back_to_their_line_and_place() -> None:
    page, (left, top, width, height) = receipt_line()
    words = [("Total", 96.0, left, top, width, height, 0)]
    segments = missed_segments(page, words)
    stack, offsets = stack_segments(page, segments)
    assert stack.height < page.height and stack.width < page.width
    read = [("8.70", 91.0, 8, offsets[0] + 8, 60, 20, 0), ("~", 30.0, 70, offsets[0] + 8, 5, 20, 0)]
    merged = merge_words(words, segments, offsets, read, _is_junk)
    assert [w[0] for w in merged] == ["Total", "8.70"]  # the unsure "~" is dropped
    assert merged[1][6] == 0 and merged[1][2] >= segments[0][1] - 8


def test_the_amount_is_read_into_its_line() -> None:
    require_tesseract()
    page, (left, top, width, height) = receipt_line()
    first = OcrResult("Total", 96.0, (OcrWord("Total", 96.0, left, top, width, height, 0),))
    result = _fill_missed(first, page, "eng")
    assert result.text == "Total 8.70"
    assert [w.text for w in result.words] == ["Total", "8.70"]


def test_a_line_not_read_at_all_is_read_into_its_place() -> None:
    require_tesseract()
    page, (left, top, width, height) = receipt_line()
    taller = Image.new("L", (600, 220), 255)
    taller.paste(page, (0, 0))
    ImageDraw.Draw(taller).text((20, 120), "Date 18/09/2017", fill=0, font_size=28)
    ImageDraw.Draw(taller).text((20, 170), "THANK YOU", fill=0, font_size=28)
    thanks = taller.crop((0, 160, 600, 220)).point(lambda v: 255 - v).getbbox()
    assert thanks is not None
    words = (
        OcrWord("Total", 96.0, left, top, width, height, 0),
        OcrWord("8.70", 95.0, 470, top - 4, 90, height + 8, 0),
        OcrWord("THANK", 95.0, thanks[0], thanks[1] + 160, 100, thanks[3] - thanks[1], 1),
        OcrWord("YOU", 95.0, thanks[0] + 110, thanks[1] + 160, 60, thanks[3] - thanks[1], 1),
    )
    result = _fill_missed(OcrResult("Total 8.70\nTHANK YOU", 95.0, words), taller, "eng")
    assert result.text == "Total 8.70\nDate 18/09/2017\nTHANK YOU"
    assert [w.line for w in result.words] == [0, 0, 1, 1, 2, 2]


def test_lines_on_grey_paper_are_stacked_on_its_grey_and_read(corpus: Path) -> None:
    """Whole lines of grey paper stacked on white were read as nothing: tesseract's threshold fell
    between the paper and the white."""
    require_tesseract()
    with Image.open(corpus / "ocr" / "phototest.tif") as image:
        page = image.convert("L")
    first = ocr_image(page, "eng")
    values = np.asarray(page).copy()
    values[values >= 128] = 150  # grey paper, black print
    read = tuple(w for w in first.words if w.line not in {2, 5, 6})  # three lines left out
    result = _fill_missed(OcrResult("", first.confidence, read), Image.fromarray(values), "eng")
    assert [text for text in result.text.split("\n") if text] == [
        "of file format.",
        "over the lazy fox. The quick brown dog",
        "jumped over the lazy fox. The quick",
    ]
