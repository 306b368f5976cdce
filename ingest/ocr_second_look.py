"""A second look at the words the key fields were read from.

After a page is read, its key fields are found on the reading (`nlp.fields`);
the printed lines the date, the total and the supplier's name came from are
cropped from the page, enlarged so their characters are about `_TARGET` px
tall, stacked into one small image and read again by the caller in a single
tesseract run (``--psm 6``). Only lines whose second reading could be taken are
cropped (`worth_a_look`); a page with none costs no extra run.

`field_lines` picks the lines, `stack_lines` builds the image, `crop_words`
maps the words read in it back onto the page, crop by crop, and `second_look`
puts a crop's second reading in place of its first where `accepted` says so:

- a total when the amount read the second time is printed elsewhere on the
  page (paid in cash, a sub-total, a second total line) and the first one is not;
- a date when the second reading parses as a date and tesseract was surer of it
  (mean word confidence);
- a name when the second reading has as many words, each as long give or take a
  letter, no more symbols (OCR's noise: "THE:", "$/B") and the same parentheses,
  and tesseract was surer of it.

Measured on SROIE development receipts (bench/fields.py, bench/README.md).

Words of punctuation alone read in a crop (the edge of a rule, a speck) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from ingest.ocr_missed import WordT, stacked
from nlp.fields import PageWords, extract_fields
from nlp.fields.values import find_amounts, find_dates

__all__ = ["Crop", "accepted", "crop_words", "field_lines", "second_look", "stack_lines", "worth_a_look"]

_FIELDS = ("doc_date", "total", "supplier")
_TARGET = 36.0  # px: tesseract reads capitals of ~20–40 px best
_MAX_SCALE = 4.0
_GAP = 12  # px of white between crops in the stack
_SURE = 85.0  # a date or a name whose every word tesseract read at least this sure is not read again


@dataclass(frozen=True)
class Crop:
    """One line of a field: its first reading's words (indices into the page's words) and its box."""

    field: str
    line: int
    members: tuple[int, ...]
    left: int
    top: int
    right: int
    bottom: int
    scale: float


class _Word:
    def __init__(self, word: WordT) -> None:
        self.text, self.left, self.top, self.width, self.height, self.line = (
            word[0], word[2], word[3], word[4], word[5], word[6]
        )  # fmt: skip


def field_lines(words: Sequence[WordT], size: tuple[int, int]) -> list[Crop]:
    """The lines of `words` that the date, the total and the supplier's name were read from."""
    page = PageWords(1, size[0], size[1], [_Word(w) for w in words])
    crops: list[Crop] = []
    taken: set[int] = set()
    for field in extract_fields([""], {1: page}):
        if field.name not in _FIELDS or field.box is None:
            continue
        box = field.box
        inside = [
            i
            for i, w in enumerate(words)
            if box.x <= w[2] + w[4] / 2 <= box.x + box.w and box.y <= w[3] + w[5] / 2 <= box.y + box.h
        ]
        lines: dict[int, list[int]] = {}
        for i in inside:
            if i not in taken:
                lines.setdefault(words[i][6], []).append(i)
        for line, members in lines.items():
            taken.update(members)
            crops.append(_crop(field.name, line, members, words, size))
    return crops


def _crop(field: str, line: int, members: list[int], words: Sequence[WordT], size: tuple[int, int]) -> Crop:
    heights = sorted(words[i][5] for i in members)
    height = float(heights[len(heights) // 2])
    pad_x, pad_y = round(0.6 * height), round(0.2 * height)
    left = max(0, min(words[i][2] for i in members) - pad_x)
    top = max(0, min(words[i][3] for i in members) - pad_y)
    right = min(size[0], max(words[i][2] + words[i][4] for i in members) + pad_x)
    bottom = min(size[1], max(words[i][3] + words[i][5] for i in members) + pad_y)
    scale = min(_MAX_SCALE, _TARGET / max(1.0, height)) if height < 0.8 * _TARGET else 1.0
    return Crop(field, line, tuple(members), left, top, right, bottom, max(1.0, scale))


def stack_lines(gray: Image.Image, crops: Sequence[Crop]) -> tuple[Image.Image, list[int]]:
    """The crops of `gray`, enlarged, one under the other on white; the y of each in the stack."""
    parts = []
    for crop in crops:
        part = gray.crop((crop.left, crop.top, crop.right, crop.bottom))
        if crop.scale > 1:
            size = (round(part.width * crop.scale), round(part.height * crop.scale))
            part = part.resize(size, Image.Resampling.LANCZOS)
        parts.append(part)
    return stacked(parts, _GAP, "L")


def crop_words(crops: Sequence[Crop], offsets: Sequence[int], read: Sequence[WordT]) -> list[list[WordT]]:
    """Per crop, the words read in its band of the stack, in the page's pixels, on the crop's line."""
    found: list[list[WordT]] = [[] for _ in crops]
    for text, confidence, left, top, width, height, _line in read:
        middle = top + height / 2
        for index, (crop, y) in enumerate(zip(crops, offsets, strict=True)):
            band = (crop.bottom - crop.top) * crop.scale
            if y <= middle < y + band:
                s = crop.scale
                x_page = crop.left + round((left - _GAP) / s)
                y_page = crop.top + round((top - y) / s)
                found[index].append(
                    (text, confidence, x_page, y_page, round(width / s), round(height / s), crop.line)
                )
                break
    return found


_AMOUNT = re.compile(r"\d[.,]\d\d(?!\d)")


def _last_amount(text: str) -> float | None:
    amounts = [a.value for a in find_amounts(text) if a.decimals]
    return amounts[-1] if amounts else None


def _printed(value: float | None, elsewhere: Sequence[float]) -> bool:
    return value is not None and any(abs(value - other) < 0.005 for other in elsewhere)


def accepted(field: str, first: Sequence[WordT], second: Sequence[WordT], elsewhere: Sequence[float]) -> bool:
    """True when `second` (a crop's words read again) should replace `first` (its words as read first).

    `elsewhere`: the amounts (with decimals) read on the page outside the total's crops.
    """
    before, after = " ".join(w[0] for w in first), " ".join(w[0] for w in second)
    if not second or before == after:
        return False
    if field == "total":
        new = _last_amount(after)
        if new is None or not _AMOUNT.search(after) or len(find_amounts(after)) != len(find_amounts(before)):
            return False
        return _printed(new, elsewhere) and not _printed(_last_amount(before), elsewhere)
    if _mean_confidence(second) <= _mean_confidence(first):
        return False
    if field == "doc_date":
        return bool(find_dates(after))
    old_words, new_words = before.split(), after.split()
    return (
        len(old_words) == len(new_words)
        and all(abs(len(a) - len(b)) <= 1 for a, b in zip(old_words, new_words, strict=True))
        # OCR's noise is symbols: a name read again with more of them ("THE:", "$/B") is not taken
        and _symbols(after) <= _symbols(before)
        and after.count("(") == before.count("(")
        and after.count(")") == before.count(")")
    )


def _mean_confidence(words: Sequence[WordT]) -> float:
    return sum(w[1] for w in words) / len(words) if words else 0.0


def _symbols(text: str) -> int:
    return sum(not ch.isalnum() and not ch.isspace() for ch in text)


def worth_a_look(words: Sequence[WordT], crops: Sequence[Crop], sure: float = _SURE) -> list[Crop]:
    """The crops whose second reading could be taken.

    A total whose amount is already printed elsewhere on the page is not read again, nor a
    date or a name whose every word was read with confidence `sure` or more.
    """
    elsewhere = _amounts_elsewhere(words, crops)
    kept = []
    for crop in crops:
        first = [words[i] for i in crop.members]
        if crop.field == "total":
            if not _printed(_last_amount(" ".join(w[0] for w in first)), elsewhere):
                kept.append(crop)
        elif min(w[1] for w in first) < sure:
            kept.append(crop)
    return kept


def _amounts_elsewhere(words: Sequence[WordT], crops: Sequence[Crop]) -> list[float]:
    in_totals = {i for crop in crops if crop.field == "total" for i in crop.members}
    return [
        a.value for i, w in enumerate(words) if i not in in_totals for a in find_amounts(w[0]) if a.decimals
    ]


def second_look(
    words: Sequence[WordT], crops: Sequence[Crop], found: Sequence[Sequence[WordT]]
) -> list[WordT]:
    """`words` with each crop's words replaced by those read again in it (`found`), where `accepted`."""
    elsewhere = _amounts_elsewhere(words, crops)
    dropped: set[int] = set()
    added: list[WordT] = []
    for crop, read in zip(crops, found, strict=True):
        second = [w for w in read if any(ch.isalnum() for ch in w[0])]
        if accepted(crop.field, [words[i] for i in crop.members], second, elsewhere):
            dropped.update(crop.members)
            added += second
    if not dropped:
        return list(words)
    return [w for i, w in enumerate(words) if i not in dropped] + added
