"""Rows of a page: words that sit on the same line of the paper, left to right.

Tesseract often splits one printed line into several (the label "TOTAL" at the
left margin and "54.50" at the right one become two blocks); a key-field rule
wants them together, so words are regrouped into rows by their vertical
overlap. A `Row` keeps where each word sits in its text, so a match in the
text maps back to the boxes of the words it covers.

Text without boxes (a digital PDF, an e-mail) becomes one row per line, with
no boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Box", "PageWords", "Row", "WordLike", "rows_from_text", "rows_from_words"]


class WordLike(Protocol):
    """A word read by OCR with its box in the page image's pixels (`ingest.ocr.OcrWord` is one)."""

    @property
    def text(self) -> str: ...
    @property
    def left(self) -> int: ...
    @property
    def top(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...


@dataclass(frozen=True)
class PageWords:
    """The words of one page image (`number` from 1) and the image's size in pixels."""

    number: int
    width: int
    height: int
    words: Sequence[WordLike]


@dataclass(frozen=True)
class Box:
    """Where a field was read: page (from 1), x, y, w, h in the page image's pixels, and that image's size."""

    page: int
    x: int
    y: int
    w: int
    h: int
    page_width: int
    page_height: int

    def to_dict(self) -> dict[str, int]:
        return {"page": self.page, "x": self.x, "y": self.y, "w": self.w, "h": self.h,
                "page_width": self.page_width, "page_height": self.page_height}  # fmt: skip


@dataclass
class Row:
    """One printed line: its text, page, and for OCR the words' boxes and their spans in `text`."""

    text: str
    page: int
    index: int  # position of the row on its page, top to bottom
    spans: list[tuple[int, int, tuple[int, int, int, int]]] = field(default_factory=list)
    page_size: tuple[int, int] = (0, 0)
    top: float = 0.0  # share of the page height above the row (0 = top of the page)
    height: float = 0.0  # median word height in pixels (0 without boxes)

    def box(self, start: int, end: int) -> Box | None:
        """The box around the words covering text[start:end]; None for text without boxes."""
        boxes = [b for s, e, b in self.spans if s < end and start < e]
        if not boxes:
            return None
        x0 = min(b[0] for b in boxes)
        y0 = min(b[1] for b in boxes)
        x1 = max(b[0] + b[2] for b in boxes)
        y1 = max(b[1] + b[3] for b in boxes)
        return Box(self.page, x0, y0, x1 - x0, y1 - y0, *self.page_size)

    def left_of(self, offset: int) -> float:
        """x (px) where the word at `offset` starts; 0 without boxes."""
        for s, e, b in self.spans:
            if s <= offset < e:
                return float(b[0])
        return 0.0


def _line_of(word: WordLike) -> int | None:
    """The OCR line a word was read on (`ingest.ocr.OcrWord.line`), None when the word has none."""
    line = getattr(word, "line", None)
    return line if isinstance(line, int) else None


def _units(words: Sequence[WordLike]) -> list[list[WordLike]]:
    """The words in units that stay together on one row: each OCR line, or each word without one.

    A line whose boxes span more than two and a half of its words' heights (OCR ran over
    several printed lines) is no unit: its words are placed one by one.
    """
    lines: dict[int, list[WordLike]] = {}
    units: list[list[WordLike]] = []
    for word in words:
        line = _line_of(word)
        if line is None:
            units.append([word])
        else:
            lines.setdefault(line, []).append(word)
    for members in lines.values():
        top = min(w.top for w in members)
        bottom = max(w.top + w.height for w in members)
        if bottom - top > 2.5 * _median_height(members):
            units += [[w] for w in members]
        else:
            units.append(members)
    return units


def _median_height(words: Sequence[WordLike]) -> int:
    return sorted(w.height for w in words)[len(words) // 2]


def _overlap_across(unit: Sequence[WordLike], group: Sequence[WordLike]) -> bool:
    """True when a line of words and a row share columns: two printed lines, not two blocks of one."""
    left, right = min(w.left for w in unit), max(w.left + w.width for w in unit)
    return any(w.left < right and left < w.left + w.width for w in group)


def rows_from_words(page: PageWords) -> list[Row]:
    """Group a page's words into rows by vertical overlap, each row left to right, rows top to bottom.

    A line OCR read as one (`ingest.ocr.OcrWord.line`) stays one: on a skewed page its words
    are not mixed with those of the line beside it; a row joins lines that sit side by side
    (the label at the left margin, its amount at the right one).
    """
    units = _units([w for w in page.words if w.text.strip()])
    units.sort(key=lambda u: sum(w.top + w.height / 2 for w in u) / len(u))
    groups: list[list[WordLike]] = []
    for unit in units:
        middle = sum(w.top + w.height / 2 for w in unit) / len(unit)
        size = _median_height(unit)
        best: list[WordLike] | None = None
        for group in groups[-4:]:  # rows close above are the only candidates
            top = min(w.top for w in group)
            bottom = max(w.top + w.height for w in group)
            height = _median_height(group)
            if top <= middle <= bottom and abs(size - height) <= max(size, height):
                if _line_of(unit[0]) is not None and _overlap_across(unit, group):
                    continue
                best = group
        if best is None:
            groups.append(list(unit))
        else:
            best.extend(unit)
    rows: list[Row] = []
    for index, group in enumerate(sorted(groups, key=lambda g: min(w.top for w in g))):
        group.sort(key=lambda w: w.left)
        parts: list[str] = []
        spans: list[tuple[int, int, tuple[int, int, int, int]]] = []
        offset = 0
        for word in group:
            text = word.text.strip()
            spans.append((offset, offset + len(text), (word.left, word.top, word.width, word.height)))
            parts.append(text)
            offset += len(text) + 1
        heights = sorted(w.height for w in group)
        share = min(w.top for w in group) / max(1, page.height)
        middle = float(heights[len(heights) // 2])
        rows.append(Row(" ".join(parts), page.number, index, spans, (page.width, page.height), share, middle))
    return rows


def rows_from_text(text: str, page: int) -> list[Row]:
    """One row per non-empty line of `text` (no boxes)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    count = max(1, len(lines))
    return [Row(" ".join(line.split()), page, i, top=i / count) for i, line in enumerate(lines)]
