"""Printed lines that tesseract read nothing of, found as bands of ink between the lines read.

Thin light print (a receipt's date line printed faintly under a dashed rule)
breaks at the ink threshold into specks of a few pixels, smaller than the
character-sized blobs `ingest.ocr_missed` looks for, and the page's first
reading may leave the whole line out. Counted row by row, the specks still
make a band as tall as a line of text: `unread_bands` returns each band of
small pieces of ink that no word's rows cover, cropped over the whole line
(its first to its last piece), so that the line is read again in one piece
in the same small pass as the fill's segments. Dashed rules (a few pixels
tall) make no band alone; a logo or a barcode (taller than two lines) is no
line either.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ingest.ocr_prepare import components

__all__ = ["unread_bands"]

Band = tuple[int, int, int, int]  # left, top, right, bottom (px of the page)

_PIECE_TALL = 1.6  # line heights: a piece of ink taller than this is no piece of a character ...
_PIECE_WIDE = 3.0  # ... nor one wider (a rule, a frame, the scan's border)
_MIN_TALL = 0.6  # line heights: a band at least this tall (a dashed rule is a few pixels) ...
_MAX_TALL = 2.2  # ... and at most this tall (two lines run together, a logo)
_MIN_WIDE = 2.0  # line heights: a band's pieces spread at least this wide
_MIN_PIECES = 4  # pieces of ink in a band, at least (a stamp, a speck)
_DASH = 0.2  # line heights: a flat piece this low is a dash
_GAP_ROWS = 2  # px: rows without ink this far apart still make one band (dot-matrix rows)
_MAX_INK = 0.3  # share of a band that is ink, at most: more is the dark ground around the paper or a photo,
# whose grey throws the threshold of the whole stack off (the stack then read as nothing)
_MAX_BANDS = 20  # more than this: graphics or noise, not a few lines left out


def unread_bands(dark: np.ndarray, words: Sequence[tuple[int, int, int, int]], size: float) -> list[Band]:
    """Bands of small pieces of `dark` (ink mask) in rows no word box covers, lines `size` px tall.

    `words` are (left, top, width, height) boxes in the mask's pixels.
    """
    height, width = dark.shape
    if size < 6 or not words:
        return []
    covered = np.zeros(height, dtype=bool)
    for _left, word_top, _width, word_height in words:
        covered[max(0, word_top) : word_top + word_height] = True
    top, bottom, left, right, _ = components(dark)
    middle = (top + bottom) // 2
    tall, wide = bottom - top, right - left
    small = (tall <= _PIECE_TALL * size) & (wide <= _PIECE_WIDE * size)
    inside_page = (left > 0) & (top > 0) & (right < width) & (bottom < height)  # not the scan's border
    pieces = np.flatnonzero(small & inside_page & ~covered[np.clip(middle, 0, height - 1)])
    # a dash (of a rule or of a date) is no line's height: bands are measured on the other pieces
    upright = pieces[(tall[pieces] > max(2.0, _DASH * size)) | (wide[pieces] < 2 * tall[pieces])]
    if len(upright) == 0:
        return []
    rows = np.zeros(height + 1, dtype=np.int32)  # pieces spanning each row (difference array)
    np.add.at(rows, top[upright], 1)
    np.add.at(rows, bottom[upright], -1)
    inked = np.cumsum(rows[:height]) > 0
    bands: list[Band] = []
    for start, stop in _row_runs(inked, _GAP_ROWS):
        if not _MIN_TALL * size <= stop - start <= _MAX_TALL * size:
            continue
        if np.count_nonzero((middle[upright] >= start) & (middle[upright] < stop)) < _MIN_PIECES:
            continue
        inside = pieces[(middle[pieces] >= start) & (middle[pieces] < stop)]
        x0, x1 = int(left[inside].min()), int(right[inside].max())
        if x1 - x0 >= _MIN_WIDE * size and dark[start:stop, x0:x1].mean() <= _MAX_INK:
            bands.append((x0, start, min(width, x1), min(height, stop)))
    return bands if len(bands) <= _MAX_BANDS else []


def _row_runs(inked: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """(start, stop) of runs of True in `inked`, runs at most `gap` rows apart joined."""
    padded = np.concatenate(([False], inked, [False]))
    steps = np.diff(padded.astype(np.int8))
    starts, stops = np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)
    runs: list[tuple[int, int]] = []
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        if runs and start - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], stop)
        else:
            runs.append((start, stop))
    return runs
