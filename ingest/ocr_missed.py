"""Text that tesseract's page layout left out, found on the ink and read again.

Tesseract's automatic segmentation (``--psm 1``) sometimes drops a whole column
of a receipt: the labels "Total", "CASH", "CHANGE" are read and the amounts
printed at the right margin, on the same lines, are not in the reading at all
(a faint watermark behind them makes the layout analysis call the column an
image); or a whole printed line, the date's, is missing. That is plain print
that tesseract reads well once it is shown it as lines.

`missed_segments` looks for ink that no word box covers: blobs of ink
(connected components) as tall as the characters, side by side over at least
a character's width (specks, dashed rules, underlines and the fringes of word
boxes are lower), either on a line that was read, clear of its words, or
between the lines read (at least three blobs: a line not read at all, numbered
-1, -2... top to bottom). A line whose print broke at the ink threshold into
specks smaller than characters is found as a band of specks in rows no word
covers, and cropped whole (`ingest.ocr_bands`), on a page that is read again
for other missed ink anyway (bands alone start no pass). `stack_segments`
crops them and stacks them into one small image, which the caller reads in a
single tesseract run (``--psm 6``: starting tesseract costs about as much as
reading a small strip);
`merge_words` puts each word read with confidence back on its line. A page
where nothing was missed costs no tesseract run at all.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image

from ingest.ocr_bands import unread_bands
from ingest.ocr_prepare import components, ink_mask

__all__ = ["Segment", "WordT", "merge_words", "missed_segments", "stack_segments", "stacked"]

Segment = tuple[int, int, int, int, int]  # line number, left, top, right, bottom (px of the page)

_PAD = 3  # px around a word box that count as the word's (antialiasing, a box drawn tight)
_MIN_WIDTH = 1.0  # a missed run is at least this many line heights wide ...
_MIN_TALL = 0.5  # ... made of blobs of ink at least this share of the line's height tall (not dashes)
_CLEAR = 0.5  # line heights between a missed segment and the line's words, at least
_GAP = 1.2  # line heights: runs of ink closer than this are one segment (the spaces inside an amount)
_MAX_SEGMENTS = 40  # more than this: the page is not a reading with a few holes
_SURE = 50.0  # confidence of a re-read word that is kept

WordT = tuple[str, float, int, int, int, int, int]  # text, confidence, left, top, width, height, line


def missed_segments(gray: Image.Image, words: Sequence[WordT]) -> list[Segment]:
    """Segments of uncovered ink along the lines of `words` (boxes in `gray`'s pixels)."""
    values = np.asarray(gray)
    if not words or values.ndim != 2:
        return []
    ink = ink_mask(values)
    height, width = ink.shape
    free = ink.copy()  # not grown: a dashed rule a pixel above an amount would swallow it
    for _text, _conf, x, y, w, h, _line in words:
        free[max(0, y - _PAD) : y + h + _PAD, max(0, x - _PAD) : x + w + _PAD] = False
    lines: dict[int, list[WordT]] = {}
    for word in words:
        lines.setdefault(word[6], []).append(word)
    top, bottom, left, right, _ = components(free)
    tall = bottom - top
    middle = (top + bottom) / 2
    found: list[Segment] = []
    for number, members in lines.items():
        size = float(np.median([w[5] for w in members]))
        if size < 6:
            continue
        band_top = int(min(w[3] for w in members))
        band_bottom = int(max(w[3] + w[5] for w in members))
        if band_bottom - band_top > 2.5 * size:  # a line whose boxes run over several printed lines
            continue
        # characters on this line: as tall as its words (specks, dashes and fringes of boxes are lower)
        chars = np.flatnonzero(
            (middle >= band_top) & (middle < band_bottom) & (tall >= _MIN_TALL * size)
            & (tall <= 1.6 * size) & (right - left <= 3 * size)
        )  # fmt: skip
        order = chars[np.argsort(left[chars])]
        spans = [(w[2], w[2] + w[4]) for w in members]
        for first, last in _runs(order, left, right, int(_GAP * size)):
            x0, x1 = int(left[order[first]]), int(right[order[first : last + 1]].max())
            # clear of the line's words: ink next to a word is a piece of it its box cut off
            clear = all(x1 + _CLEAR * size <= a or b + _CLEAR * size <= x0 for a, b in spans)
            if x1 - x0 >= _MIN_WIDTH * size and clear:
                y0 = min(band_top, int(top[order[first : last + 1]].min()))
                y1 = max(band_bottom, int(bottom[order[first : last + 1]].max()))
                found.append((number, x0, y0, min(width, x1), min(height, y1)))
    orphans = _orphans(words, lines, top, bottom, left, right, width, height)
    if not found and not orphans:
        # bands alone start no pass of their own (it cost about a quarter of a receipt's first reading, on
        # a fifth of the development receipts); the bands that gained a field were all on pages read anyway
        return []
    size = float(np.median([w[5] for w in words]))
    boxes = [(w[2], w[3], w[4], w[5]) for w in words]
    bands: list[Segment] = [(-1, *band) for band in unread_bands(ink, boxes, size)]
    # bands before orphans: of two overlapping segments the first is kept, and a band is the whole line;
    # a page with too many holes for both is read as before, without its bands
    for candidates in (found + bands + orphans, found + orphans):
        kept = _distinct(candidates)
        if len(kept) <= _MAX_SEGMENTS:
            unread = itertools.count(-1, -1)  # lines not read get numbers of their own, -1, -2...
            return [(next(unread), *s[1:]) if s[0] < 0 else s for s in kept]
    return []


def _orphans(
    words: Sequence[WordT],
    lines: dict[int, list[WordT]],
    top: np.ndarray,
    bottom: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    width: int,
    height: int,
) -> list[Segment]:
    """Printed lines not read at all: rows of uncovered character-sized blobs between the lines read.

    Each gets a line number below zero (-1, -2... top to bottom); it needs a
    few characters side by side (a speck or a stamp is no line).
    """
    size = float(np.median([w[5] for w in words]))
    if size < 6:
        return []
    tall, middle = bottom - top, (top + bottom) / 2
    bands = [(min(w[3] for w in m), max(w[3] + w[5] for w in m)) for m in lines.values()]
    alone = (tall >= 0.7 * size) & (tall <= 1.6 * size) & (right - left <= 3 * size)
    for band_top, band_bottom in bands:
        alone &= (middle < band_top) | (middle >= band_bottom)
    chars = np.flatnonzero(alone)
    chars = chars[np.argsort(middle[chars])]
    rows: list[list[int]] = []
    for index in chars.tolist():
        if rows and middle[index] - middle[rows[-1][-1]] <= 0.4 * size:
            rows[-1].append(index)
        else:
            rows.append([index])
    found: list[Segment] = []
    for members in rows:
        order = np.array(sorted(members, key=lambda i: int(left[i])))
        for first, last in _runs(order, left, right, int(_GAP * size)):
            group = order[first : last + 1]
            x0, x1 = int(left[group].min()), int(right[group].max())
            if len(group) >= 3 and x1 - x0 >= 2 * size:
                y0, y1 = int(top[group].min()), int(bottom[group].max())
                found.append((-1 - len(found), x0, y0, min(width, x1), min(height, y1)))
    return found


def _runs(order: np.ndarray, left: np.ndarray, right: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of components (positions in `order`, sorted by left) closer than `gap` to the run so far."""
    runs: list[tuple[int, int]] = []
    reach = 0
    for position, index in enumerate(order.tolist()):
        if runs and int(left[index]) - reach <= gap:
            runs[-1] = (runs[-1][0], position)
            reach = max(reach, int(right[index]))
        else:
            runs.append((position, position))
            reach = int(right[index])
    return runs


def _distinct(segments: list[Segment]) -> list[Segment]:
    """One segment per piece of ink: of two overlapping ones (adjacent lines' bands), the first."""
    kept: list[Segment] = []
    for segment in segments:
        _, left, top, right, bottom = segment
        overlaps = any(
            left < k[3] and k[1] < right and min(bottom, k[4]) - max(top, k[2]) > 0.5 * (bottom - top)
            for k in kept
        )
        if not overlaps:
            kept.append(segment)
    return kept


def stack_segments(image: Image.Image, segments: Sequence[Segment]) -> tuple[Image.Image, list[int]]:
    """The segments cropped from `image`, one under the other on white; the y of each in the stack."""
    pad = 8
    crops = [image.crop((max(0, s[1] - pad), max(0, s[2] - pad), s[3] + pad, s[4] + pad)) for s in segments]
    if image.mode != "L":
        return stacked(crops, pad, image.mode)
    # on the paper's grey, not white: crops of grey paper as wide as whole lines on a white ground make
    # tesseract's threshold fall between paper and white, and the stack reads as nothing
    paper = int(np.median(np.concatenate([np.asarray(crop).ravel() for crop in crops])))
    return stacked(crops, pad, image.mode, paper)


def stacked(
    parts: Sequence[Image.Image], pad: int, mode: str, ground: int = 255
) -> tuple[Image.Image, list[int]]:
    """`parts` one under the other on an image of `mode`, `pad` pixels apart and around, its ground
    `ground` (grey; white in colour); the y of each in the stack."""
    width = max(p.width for p in parts) + 2 * pad
    height = sum(p.height + pad for p in parts) + pad
    stack = Image.new(mode, (width, height), ground if mode == "L" else (255, 255, 255))
    offsets: list[int] = []
    y = pad
    for part in parts:
        stack.paste(part, (pad, y))
        offsets.append(y)
        y += part.height + pad
    return stack, offsets


def merge_words(
    words: Sequence[WordT],
    segments: Sequence[Segment],
    offsets: Sequence[int],
    read: Sequence[WordT],
    is_junk: Callable[[list[str]], bool],
) -> list[WordT]:
    """`words` plus the words read in the stack, each moved back to its segment's line and place."""
    pad = 8
    added: dict[int, list[WordT]] = {}
    for text, confidence, left, top, w, h, _line in read:
        if confidence < _SURE or not any(ch.isalnum() for ch in text):
            continue
        middle = top + h / 2
        for index, (segment, y) in enumerate(zip(segments, offsets, strict=True)):
            crop_left, crop_top = max(0, segment[1] - pad), max(0, segment[2] - pad)
            if y <= middle < y + (segment[4] + pad - crop_top):
                x, y_page = left - pad + crop_left, top - y + crop_top
                added.setdefault(index, []).append((text, confidence, x, y_page, w, h, segment[0]))
                break
    merged = list(words)
    for found in added.values():
        if not is_junk([word[0] for word in found]):
            merged += found
    return merged
