"""Looking at a page before tesseract reads it: text height and skew.

Two measurements on the page's ink (pixels darker than the midpoint between
the paper and the darkest ink), all numpy on the grayscale image, a few tens of
milliseconds next to tesseract's second or more:

- `text_height`: the height of the page's characters, from its connected
  components (8-connected blobs of ink, found from runs of ink in each row):
  the median height weighted by ink, so specks, dots and commas weigh little
  and a photo's large blobs or a ruling line are left out by their shape. The
  ink is first grown by a pixel, so that the dots of a dot-matrix print make
  one character (without it a 20 px dot-matrix line measured 4 px). Tesseract
  reads capitals of ~20–40 px best; only a page whose characters are smaller
  than that is upscaled, so a narrow receipt with normal-sized print is read as
  it is (upscaling it read worse and cost ~3×). An earlier estimate from bands
  of inked rows went astray on receipts with close lines or dotted print (a
  34 px receipt measured 10 px and was enlarged, reading far worse than raw).
- `skew_angle`: the angle at which the ink's projection on the vertical (or,
  for a page turned by 90°, the horizontal) axis is sharpest: lines of text
  then fall into few rows. Tesseract corrects a degree or two by itself; a
  page turned by 10° reads as nothing without this.
Separator lines (dashed rules on receipts) are not painted over before
recognition: painting them changed tesseract's page segmentation (receipt 237
lost its column of amounts, CER 0.07 → 0.47); junk lines are dropped from the
reading instead (`ingest.ocr`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

__all__ = ["Layout", "components", "measure", "text_height"]

_MEASURE_SIDE = 2500  # px: larger pages are measured on a shrunk copy (components cost grows with ink)
_MIN_CHAR = 3  # px: a component lower than this is a speck or a stroke of punctuation
_MAX_CHAR_WIDTH = 8  # a component wider than this many times its height is a rule or a run of letters
_SKEW_SIDE = 800  # the skew is measured on a copy this large (longest side)
_SKEW_MAX = 20.0  # degrees searched either way
_SKEW_MIN = 1.0  # below this tesseract copes and rotating only blurs
_SKEW_GAIN = 1.15  # the tilted projection must be this much sharper than the upright one


@dataclass(frozen=True)
class Layout:
    """What `measure` found: text line height (px, None when there is no text), skew (degrees, PIL sense)."""

    text_height: float | None
    skew: float


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels darker than halfway between the paper and the darkest ink (light text on dark: inverted)."""
    low, high = np.percentile(gray, [1, 99])
    dark: np.ndarray = gray < (float(low) + float(high)) / 2
    if dark.mean() > 0.5:
        dark = ~dark
    return dark


def measure(gray: Image.Image) -> Layout:
    """Text height and skew of a grayscale page."""
    dark = ink_mask(np.asarray(gray))
    skew = skew_angle(dark)
    if skew:  # heights are measured on the page turned straight
        dark = ink_mask(np.asarray(gray.rotate(skew, Image.Resampling.BILINEAR, expand=True, fillcolor=255)))
    return Layout(text_height(dark), skew)


def text_height(dark: np.ndarray) -> float | None:
    """Character height (px) of the page's print; None when no component looks like a character.

    A page turned by 90° gives the characters' widths instead, which are of the
    same order: it is only compared with a threshold for tiny print.
    """
    step = max(1, math.ceil(max(dark.shape) / _MEASURE_SIDE))
    if step > 1:  # any ink in a step×step cell counts: thin strokes survive the shrinking
        rows, cols = (dark.shape[0] // step) * step, (dark.shape[1] // step) * step
        cells = dark[:rows, :cols].reshape(rows // step, step, cols // step, step)
        dark = np.asarray(cells.any(axis=(1, 3)))
    grown = _grow(dark)
    top, bottom, left, right, ink = components(grown)
    heights, widths = bottom - top - 2, right - left - 2  # the growth added a pixel on each side
    keep = (heights >= _MIN_CHAR) & (heights <= dark.shape[0] / 4) & (widths <= _MAX_CHAR_WIDTH * heights)
    if keep.sum() < 3:
        return None
    heights, ink = heights[keep], ink[keep]
    order = np.argsort(heights, kind="stable")
    cumulative = np.cumsum(ink[order])
    median = heights[order][int(np.searchsorted(cumulative, cumulative[-1] / 2))]
    return float(median * step)


def _grow(dark: np.ndarray) -> np.ndarray:
    """Ink grown by one pixel in the eight directions (a 3×3 dilation)."""
    padded = np.pad(dark, 1)
    rows, cols = dark.shape
    grown = dark.copy()
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            grown |= padded[dy : dy + rows, dx : dx + cols]
    return grown


def components(dark: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Top, bottom, left, right (ends exclusive) and ink (pixels) of each 8-connected component.

    Each row's runs of ink are nodes; a run touches the runs of the next row
    that overlap it or meet it at a corner. The runs are then merged by
    repeatedly giving each the smallest label among its neighbours (with
    pointer jumping), all in numpy: tens of milliseconds for a receipt.
    """
    rows, cols = dark.shape
    padded = np.zeros((rows, cols + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    steps = np.diff(padded, axis=1)
    run_row, run_start = np.nonzero(steps == 1)
    _, run_end = np.nonzero(steps == -1)  # row-major order: starts and ends pair up
    runs = len(run_row)
    if runs == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, empty
    width = cols + 2
    row_key = run_row.astype(np.int64) * width
    start_key, end_key = row_key + run_start, row_key + run_end
    below = row_key + width
    # runs of the next row with end >= start and start <= end (8-connected) form a contiguous range
    first = np.searchsorted(end_key, below + run_start - 1, side="right")
    last = np.searchsorted(start_key, below + run_end + 1, side="left")
    counts = np.maximum(0, last - first)
    upper = np.repeat(np.arange(runs), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    lower = np.repeat(first, counts) + within
    labels = np.arange(runs)
    while True:
        before = labels
        least = np.minimum(labels[upper], labels[lower])
        labels = labels.copy()
        np.minimum.at(labels, upper, least)
        np.minimum.at(labels, lower, least)
        labels = labels[labels[labels]]
        if np.array_equal(labels, before):
            break
    _, component = np.unique(labels, return_inverse=True)
    count = int(component.max()) + 1
    top = np.full(count, rows, dtype=np.int64)
    bottom = np.zeros(count, dtype=np.int64)
    left = np.full(count, cols, dtype=np.int64)
    right = np.zeros(count, dtype=np.int64)
    np.minimum.at(top, component, run_row)
    np.maximum.at(bottom, component, run_row + 1)
    np.minimum.at(left, component, run_start)
    np.maximum.at(right, component, run_end)
    ink = np.bincount(component, weights=run_end - run_start, minlength=count).astype(np.int64)
    return top, bottom, left, right, ink


def skew_angle(dark: np.ndarray) -> float:
    """The page's skew in degrees (counter-clockwise positive, as `Image.rotate` takes it); 0 when unsure."""
    rows, cols = dark.shape
    step = max(1, math.ceil(max(rows, cols) / _SKEW_SIDE))
    small = dark[::step, ::step]
    ys, xs = np.nonzero(small)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 60_000:
        keep = np.random.default_rng(0).choice(len(ys), 60_000, replace=False)
        ys, xs = ys[keep], xs[keep]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64)

    def sharpness(degrees: float) -> float:
        angle = math.radians(degrees)
        # rows and columns after turning the page by -angle; either may hold the lines
        along_rows = ys * math.cos(angle) + xs * math.sin(angle)
        along_cols = xs * math.cos(angle) - ys * math.sin(angle)
        best = 0.0
        for projected in (along_rows, along_cols):
            counts = np.bincount((projected - projected.min()).astype(np.int64))
            best = max(best, float(np.dot(counts, counts)) / len(ys))
        return best

    coarse = np.arange(-_SKEW_MAX, _SKEW_MAX + 0.01, 0.5)
    scores = [sharpness(float(a)) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.51, 0.1)
    fine_scores = [sharpness(float(a)) for a in fine]
    best = float(fine[int(np.argmax(fine_scores))])
    if abs(best) < _SKEW_MIN or max(fine_scores) < _SKEW_GAIN * sharpness(0.0):
        return 0.0
    return -round(best, 1)
