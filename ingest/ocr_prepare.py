"""Looking at a page before tesseract reads it: text height, skew, ruling lines.

Three measurements on the page's ink (pixels darker than the midpoint between
the paper and the darkest ink), all numpy on the grayscale image, a few tens of
milliseconds next to tesseract's second or more:

- `text_height`: the median height of the bands of inked rows inside vertical
  strips of the page (a text line is such a band; strips keep columns of a
  magazine page apart). Tesseract reads capitals of ~20–40 px best; only a page
  whose lines are smaller than that is upscaled, so a narrow receipt with
  normal-sized print is read as it is (upscaling it read worse and cost ~3×).
- `skew_angle`: the angle at which the ink's projection on the vertical (or,
  for a page turned by 90°, the horizontal) axis is sharpest: lines of text
  then fall into few rows. Tesseract corrects a degree or two by itself; a
  page turned by 10° reads as nothing without this.
- `ruling_rows`: thin bands of ink that run across most of the page's width
  (dashed or solid separators on receipts, table rules): tesseract reads them
  as junk ("ee ee ee", "———"), so they are painted over with paper first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

__all__ = ["Layout", "measure", "paint_over_rows"]

_STRIPS_MIN_WIDTH = 300  # px: a strip narrower than this cuts lines into words
_BRIDGE_SHARE = 0.15  # rows with less ink than this share of a full text row lie between lines
_SKEW_SIDE = 800  # the skew is measured on a copy this large (longest side)
_SKEW_MAX = 20.0  # degrees searched either way
_SKEW_MIN = 1.0  # below this tesseract copes and rotating only blurs
_SKEW_GAIN = 1.15  # the tilted projection must be this much sharper than the upright one
_RULE_MIN_SPAN = 0.4  # a separator runs across at least this share of the ink's width
_RULE_MAX_THICKNESS = 0.35  # ... and is at most this share of a text line tall


@dataclass(frozen=True)
class Layout:
    """What `measure` found: text line height (px, None when there is no text), skew (degrees, PIL sense)."""

    text_height: float | None
    skew: float
    rules: tuple[tuple[int, int], ...]  # row ranges [start, end) of separators, on the page turned straight


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels darker than halfway between the paper and the darkest ink (light text on dark: inverted)."""
    low, high = np.percentile(gray, [1, 99])
    dark: np.ndarray = gray < (float(low) + float(high)) / 2
    if dark.mean() > 0.5:
        dark = ~dark
    return dark


def measure(gray: Image.Image) -> Layout:
    """Text height, skew and separator rows of a grayscale page."""
    dark = ink_mask(np.asarray(gray))
    skew = skew_angle(dark)
    if skew:  # heights and separators are measured on the page turned straight
        dark = ink_mask(np.asarray(gray.rotate(skew, Image.Resampling.BILINEAR, expand=True, fillcolor=255)))
    height = text_height(dark) or text_height(dark.T)  # a page turned by 90°: lines are columns
    line = text_height(dark, bridged=False)
    rules = ruling_rows(dark, line) if line is not None else ()
    return Layout(height, skew, rules)


def _bands(inked: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True in a 1-D array."""
    padded = np.concatenate(([False], inked, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def text_height(dark: np.ndarray, bridged: bool = True) -> float | None:
    """Median height (px) of the bands of inked rows within vertical strips; None without text.

    `bridged`: rows that hold only a little ink (descenders reaching the line
    below) separate bands. That follows the print size when lines are tight (a
    shrunk receipt); without it, a band is a whole line with its ascenders and
    descenders, which is what a separator is compared with.
    """
    cols = dark.shape[1]
    strips = max(1, min(6, cols // _STRIPS_MIN_WIDTH))
    heights: list[int] = []
    for strip in np.array_split(dark, strips, axis=1):
        counts = strip.sum(axis=1)
        if not counts.any():
            continue
        # a row belongs to a line when it holds more than a speck of ink, and more than the
        # descenders and ascenders that bridge two close lines (a share of a full row's ink)
        full = float(np.percentile(counts[counts > 0], 90)) if bridged else 0.0
        inked = counts > max(1.0, strip.shape[1] / 200, _BRIDGE_SHARE * full)
        heights += [end - start for start, end in _bands(inked) if end - start >= 3]
    if len(heights) < 3:
        return None
    return float(np.median(heights))


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


def ruling_rows(dark: np.ndarray, line_height: float) -> tuple[tuple[int, int], ...]:
    """Thin bands of ink across most of the ink's width, standing alone (no text touches them)."""
    rows, cols = dark.shape
    counts = dark.sum(axis=1)
    inked = counts > max(1, cols // 200)
    columns = np.flatnonzero(dark.any(axis=0))
    if len(columns) == 0:
        return ()
    ink_width = int(columns[-1] - columns[0] + 1)
    found: list[tuple[int, int]] = []
    for start, end in _bands(inked):
        if end - start > max(3.0, _RULE_MAX_THICKNESS * line_height):
            continue
        band = dark[start:end].any(axis=0)
        span = np.flatnonzero(band)
        if len(span) == 0:
            continue
        extent = int(span[-1] - span[0] + 1)
        # dashes leave gaps, but the ink still covers a good part of the span
        if extent >= _RULE_MIN_SPAN * ink_width and band.sum() >= 0.3 * extent:
            found.append((max(0, start - 1), min(rows, end + 1)))
    return tuple(found)


def paint_over_rows(image: Image.Image, rows: tuple[tuple[int, int], ...]) -> Image.Image:
    """A copy of `image` with the given row ranges painted in the paper's colour."""
    values = np.array(image)
    paper = np.median(values.reshape(-1, values.shape[2]) if values.ndim == 3 else values, axis=0)
    for start, end in rows:
        values[start:end] = paper.astype(values.dtype)
    return Image.fromarray(values, mode=image.mode)
