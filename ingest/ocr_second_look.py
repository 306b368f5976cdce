"""A second look at the lines the key fields were read from, by a second recogniser.

After tesseract has read a page, its key fields are found on the reading
(`nlp.fields`); on a page with a total (a receipt, an invoice) the lines the
date, the total and the supplier's name came from (`field_lines`) are cut into
runs of words (a gap wider than `_GAP` times the text height starts a new run,
as a receipt sets "Date: 25/12/2018" far from "Cashier: MANIS") and each run is
read again by PaddleOCR's line recogniser (`ingest.ocr_line_reader`). Where that
reading is sure (mean character probability at least `_SURE`), its characters
replace tesseract's, with a space wherever either reading put one between
characters both agree on (`merge_spaces`): the second recogniser gets letters
right where tesseract does not ("TED" for "TEO", "CAKE" for "CARE", "(KL)" for
"(RI)") and drops the spaces between widely set words ("SANYUSTATIONERYSHOP"),
which tesseract keeps. When the rules read no date at all, the lines a date may
be printed on (`date_lines`: a date label and a digit, or a date's shape as OCR
garbles it) are read again too.

It replaced tesseract reading the same lines again enlarged (`--psm 6`, taken only
by rules of shape and confidence): on the SROIE development receipts the fields
came out as well or better, for less CPU (bench/README.md, "Key fields").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from ingest.ocr_line_reader import read_lines
from ingest.ocr_missed import WordT
from nlp.fields import PageWords, extract_fields
from nlp.fields.dates import DATE_LABELS

__all__ = ["Crop", "Run", "date_lines", "field_lines", "merge_spaces", "runs_of_words", "second_look"]

_FIELDS = ("doc_date", "total", "supplier")
_GAP = 1.5  # text heights of white between two words that start a new run
_PAD_X = 0.6  # text heights of margin left and right of a run's crop
_PAD_Y = 0.4  # and above and below: the recogniser was trained on loosely cropped lines
_SURE = 0.9
_MAX_DATE_LINES = 4
# two separators among digits as OCR garbles a date: "23-06- 201817", "05~05-17", "92/02/2018", "30/4078"
_DATE_SHAPE = re.compile(r"\d{1,2}\s?[-/.~]\s?[\dOo]{1,2}\s?[-/.~]|\d{1,2}/\d{4}")


@dataclass(frozen=True)
class Crop:
    """One line a field was read from: the field, the line's number, the field's words on it (indices)."""

    field: str
    line: int
    members: tuple[int, ...]


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
            crops.append(Crop(field.name, line, tuple(members)))
    return crops


def date_lines(words: Sequence[WordT], crops: Sequence[Crop]) -> list[Crop]:
    """When no date was read, the lines a date may be printed on: a date label and a digit, or a date's
    shape garbled ("Date : 23-06- 201817: 31:54", "Dare: 92/02/2018"); at most `_MAX_DATE_LINES`."""
    if any(crop.field == "doc_date" for crop in crops):
        return []
    taken = {crop.line for crop in crops}
    lines: dict[int, list[int]] = {}
    for index, word in enumerate(words):
        if word[6] not in taken:
            lines.setdefault(word[6], []).append(index)
    found = []
    for line, members in lines.items():
        text = " ".join(words[i][0] for i in members)
        if _DATE_SHAPE.search(text) or (DATE_LABELS.search(text) and any(ch.isdigit() for ch in text)):
            found.append(Crop("doc_date", line, tuple(members)))
    return found[:_MAX_DATE_LINES]


@dataclass(frozen=True)
class Run:
    """Words of one line set close together: their indices into the page's words, and their box."""

    members: tuple[int, ...]
    left: int
    top: int
    right: int
    bottom: int
    height: int


def runs_of_words(words: Sequence[WordT], crops: Sequence[Crop]) -> list[Run]:
    """The runs of words of every crop's whole line (not only the field's words), left to right."""
    runs: list[Run] = []
    for line in dict.fromkeys(crop.line for crop in crops):
        members = sorted((i for i, w in enumerate(words) if w[6] == line), key=lambda i: words[i][2])
        if not members:
            continue
        groups = [[members[0]]]
        height = sorted(words[i][5] for i in members)[len(members) // 2]
        for index in members[1:]:
            before = words[groups[-1][-1]]
            if words[index][2] - (before[2] + before[4]) > _GAP * height:
                groups.append([index])
            else:
                groups[-1].append(index)
        for group in groups:
            runs.append(
                Run(
                    tuple(group),
                    min(words[i][2] for i in group),
                    min(words[i][3] for i in group),
                    max(words[i][2] + words[i][4] for i in group),
                    max(words[i][3] + words[i][5] for i in group),
                    height,
                )
            )
    return runs


def second_look(words: Sequence[WordT], crops: Sequence[Crop], gray: Image.Image) -> list[WordT]:
    """`words` with each run of the crops' lines replaced by its second reading, where that is sure."""
    boxes = [(run, _padded(run, gray.size)) for run in runs_of_words(words, crops)]
    boxes = [(run, box) for run, box in boxes if box[2] > box[0] and box[3] > box[1]]
    if not boxes:
        return list(words)  # also a word box outside the image, or of no size: nothing to crop
    runs = [run for run, _ in boxes]
    images = [gray.crop(box) for _, box in boxes]
    dropped: set[int] = set()
    added: list[WordT] = []
    for run, reading in zip(runs, read_lines(images), strict=True):
        first = " ".join(words[i][0] for i in run.members)
        if reading.confidence < _SURE or not reading.text.strip():
            continue
        text = merge_spaces(first, reading.text)
        if text == first:
            continue
        dropped.update(run.members)
        added += _spread(text, run, round(100 * reading.confidence), words[run.members[0]][6])
    if not dropped:
        return list(words)
    return [w for i, w in enumerate(words) if i not in dropped] + added


def _padded(run: Run, size: tuple[int, int]) -> tuple[int, int, int, int]:
    pad_x, pad_y = int(_PAD_X * run.height), int(_PAD_Y * run.height)
    return (
        max(0, run.left - pad_x),
        max(0, run.top - pad_y),
        min(size[0], run.right + pad_x),
        min(size[1], run.bottom + pad_y),
    )


def _spread(text: str, run: Run, confidence: int, line: int) -> list[WordT]:
    """The words of `text` laid over the run's box, each as wide as its share of the characters."""
    tokens = text.split()
    width = run.right - run.left
    characters = max(1, sum(len(t) for t in tokens) + len(tokens) - 1)
    words: list[WordT] = []
    x = float(run.left)
    for token in tokens:
        span = width * len(token) / characters
        words.append((token, confidence, round(x), run.top, max(1, round(span)), run.bottom - run.top, line))
        x += span + width / characters
    return words


def merge_spaces(first: str, second: str) -> str:
    """`second`'s characters, with a space where `second` has one or where `first` has one between two
    characters on which both readings agree (aligned by edit distance, spaces left out)."""
    a, spaces_a = _letters(first)
    b, spaces_b = _letters(second)
    merged: list[str] = []
    previous: tuple[int | None, int | None] = (None, None)
    for i, j in _alignment(a, b):
        if j is None:
            previous = (i, j)
            continue
        agreed = (
            i is not None
            and previous[0] is not None
            and previous[1] is not None
            and (a[i] == b[j] or a[previous[0]] == b[previous[1]])
        )
        previous = (i, j)
        if merged and merged[-1] != " " and (j in spaces_b or (agreed and i in spaces_a)):
            merged.append(" ")
        merged.append(b[j])
    return "".join(merged)


def _letters(text: str) -> tuple[str, set[int]]:
    """`text` without spaces, and the positions (in it) of the characters a space came before."""
    kept: list[str] = []
    spaces: set[int] = set()
    for character in text:
        if character.isspace():
            spaces.add(len(kept))
        else:
            kept.append(character)
    return "".join(kept), spaces


def _alignment(a: str, b: str) -> list[tuple[int | None, int | None]]:
    """Pairs of positions of `a` and `b` (None where one has nothing) on a least-edits alignment."""
    cost = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost[i][j] = min(
                cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
    pairs: list[tuple[int | None, int | None]] = []
    i, j = len(a), len(b)
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (a[i - 1] != b[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return pairs[::-1]
