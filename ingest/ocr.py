"""OCR of one image with tesseract, shared by the PDF and image extractors.

Tesseract runs as a child process with ``OMP_THREAD_LIMIT=1`` (with OpenMP
threads it is 4–5× slower on our machines, and the worker already runs one
process per core) and ``--psm 1``, automatic segmentation with orientation
detection, which reads pages turned by 90° or 180°.

Before the first pass the page is measured (`ingest.ocr_prepare`): it is
upscaled only when its characters are small (under 9 px, measured from
connected components; tesseract reads ~20–40 px print best; upscaling a narrow
receipt with normal print read worse and cost ~3× the CPU), and turned back
when it is skewed by more than a degree (tesseract reads a page tilted by 10°
as nothing). Separator lines (dashed rules on receipts) are read by tesseract
as junk words; lines that read as nothing but punctuation or one repeated
short token are dropped from the result (painting the rules over before
recognition changed the page's segmentation and lost text). Word boxes are
given in the coordinates of the image that was passed in, whatever was done
to it.

Orientation (90°/180°) is tesseract's own detection (``--psm 1``) on the page
at its own size. When the page is upscaled, the orientation is decided first on
the original (``--psm 0``), and the page is turned only when tesseract's
orientation confidence is clearly high (an upright receipt read at three times
its size was read upside down); the enlarged page is then read without
detection (``--psm 3``).

When the page was read at its own size and upright, ink beside a read line
that no word covers (a column of amounts the layout analysis dropped, next to
their labels) is cropped and read again in one small extra pass, and its words
are put back on their lines, and so are whole lines not read at all, thin
print broken into specks at the ink threshold included when the page has that
extra pass anyway (`ingest.ocr_missed`, `ingest.ocr_bands`; on 120 receipts of
the SROIE development set, same field rules: the total right on 0.84 of them
instead of 0.76, CER 0.201 instead of 0.213, about +6% tesseract CPU). A page
with nothing missed costs no extra pass.

On an upright page with a total (a receipt, an invoice), the key fields are then
found on the reading (`nlp.fields`) and the lines they came from (the date's, the
total's, the supplier's name) are read again, in runs of words, by a second
recogniser, PaddleOCR's (`ingest.ocr_second_look`, `ingest.ocr_line_reader`; no
tesseract pass): where it is sure, its letters are taken with tesseract's spaces
(about 0.2 CPU-seconds per receipt). A page without a total is not read again.

A blank page (nothing stands out from the paper: see `_is_blank`) is not
sent to tesseract at all: it would read nothing, slowly, twice.

A page with coloured panels (at least 15% of it strongly coloured: banners,
flyers; scans of paper stay under 1%) is also read from its darkest channel,
where light print on a coloured panel stands out as it does not in grey, and
the reading with more confident words wins.

When the first pass reads little text (fewer than 20 characters), the image
is cleaned (grayscale, median filter, autocontrast) and read again; the better
pass wins. Faint print (ink within a few dozen grey levels of the paper) is
read from a thresholded copy in the retry when the first pass read little.
When the first pass reads plenty at a mean confidence below 80, the cleaned
retry is made only if the page is speckled (isolated dark pixels are at least
1% of its ink), because that is the damage a median filter repairs. Measured
on the corpus and on degraded copies of it (bench/ocr_rules.py,
tests/ingest/test_ocr.py): clean scans read at 84–96; salt-and-pepper or
grain brings them to 52–77 and a speckle share of 4–38%, and the retry
brings them back to 91–96; clean 300 dpi scans sit below 0.2% speckle, and
one that still reads below 80 (greek.pdf: Greek read as Italian and English)
gains nothing from a second pass, which would cost a second full read.

Many pages are read at once by `ocr_images` (one thread per core, each
waiting on its own tesseract process). Inside the worker's extraction children
every tesseract first takes one of the pool's CPU tokens (`CpuTokens`): the
children together never run more tesseracts than there are cores.

The confidence is tesseract's mean word confidence, 0–100.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import itertools
import math
import os
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

import numpy as np
from PIL import Image, ImageChops, ImageFilter, ImageOps

from core.errors import ErrorKind, FaldoneError
from ingest.errors import CorruptDocument, ExtractionTimeout
from ingest.ocr_line_reader import line_reader_available
from ingest.ocr_missed import WordT, merge_words, missed_segments, stack_segments
from ingest.ocr_prepare import Layout, measure
from ingest.ocr_second_look import date_lines, field_lines, second_look

__all__ = [
    "CpuTokens",
    "OcrResult",
    "OcrUnavailable",
    "OcrWord",
    "ocr_image",
    "ocr_images",
    "tesseract_available",
    "use_cpu_tokens",
]

_TIMEOUT_SECONDS = 300  # one page; the worker's job limit still applies on top
_GOOD_CONFIDENCE = 80.0  # clean scans read at 84–96; noisy ones at 52–77 until cleaned
_GOOD_LENGTH = 20
_SPECKLED = 0.01  # isolated dark pixels / dark pixels: clean pages ≤ 0.002, noisy ones ≥ 0.04
_BLANK_MIN_CONTRAST = 3  # grey levels from the surroundings that count as a mark, at least
_BLANK_MARKS = 20  # fewer marks than this (on the shrunk page) cannot be a word
_SMALL_TEXT = 9.0  # px: characters lower than this are upscaled ...
_TARGET_TEXT = 20.0  # ... to about this height
_MAX_UPSCALE = 3.0
_MAX_PIXELS = 40_000_000  # never upscale past this
_TURN_CONFIDENCE = 6.0  # tesseract's orientation confidence: upright receipts show 1–8 for a wrong side
_FILTERABLE_TEXT = 16.0  # px: characters at least this tall keep their strokes through a 3×3 median filter
_FAINT_CONTRAST = 90  # grey levels between paper and ink below which print counts as faint
# Light print on coloured panels (a banner, a flyer): luminance puts white on cyan only a few dozen
# grey levels apart and tesseract's threshold loses it; the darkest channel makes it white on black.
_COLOURED_SHARE = 0.15  # share of the page's pixels that are strongly coloured
_COLOURED_SPREAD = 80  # max - min channel of a strongly coloured pixel (0-255)
_SURE_WORD = 60  # confidence of a word that counts as read


class OcrUnavailable(FaldoneError, RuntimeError):
    """Tesseract is not installed: a fault of the machine, not of the document."""

    kind: ClassVar[ErrorKind] = "unavailable"
    code: ClassVar[str] = "ocr_unavailable"


@dataclass(frozen=True)
class OcrWord:
    """One word read by tesseract, its confidence (0–100) and box in the image's pixels."""

    text: str
    confidence: float
    left: int
    top: int
    width: int
    height: int
    line: int  # lines are numbered in reading order, from 0


@dataclass(frozen=True)
class OcrResult:
    """Text read from one image, tesseract's mean word confidence (0–100), the words with their boxes."""

    text: str
    confidence: float | None
    words: tuple[OcrWord, ...] = ()

    @property
    def _score(self) -> float:
        # confidence alone would prefer two confident words to a page of text
        length = len(self.text.split())
        return (self.confidence or 0.0) * min(1.0, length / 10)


def tesseract_available() -> bool:
    """True when the tesseract binary is on PATH."""
    return shutil.which("tesseract") is not None


class CpuTokens:
    """`count` lock files shared by processes; holding one is the right to run a tesseract.

    ``flock`` locks are released by the kernel when their holder dies, so a
    killed extraction child never leaks a token.
    """

    def __init__(self, directory: Path, count: int) -> None:
        self.directory = directory
        self.count = max(1, count)

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        start = os.getpid() % self.count  # spread first tries over the files
        while True:
            for i in range(self.count):
                path = self.directory / f"cpu-{(start + i) % self.count}"
                fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    continue
                try:
                    yield
                finally:
                    os.close(fd)  # releases the lock
                return
            time.sleep(0.02)


_tokens: CpuTokens | None = None


def use_cpu_tokens(tokens: CpuTokens | None) -> None:
    """Make every tesseract of this process hold a token (set by the extraction pool's children)."""
    global _tokens
    _tokens = tokens


def ocr_image(image: Image.Image, languages: str = "ita+eng") -> OcrResult:
    """Read the text of `image`, retrying on a cleaned copy when the first pass is poor."""
    _binary()  # a missing tesseract is reported even for a blank page
    flat = _flatten(image)
    gray = flat if flat.mode == "L" else ImageOps.grayscale(flat)
    if _is_blank(gray):
        return OcrResult("", None)
    layout = measure(gray)
    prepared, place = _prepare(flat, layout)  # colour kept for the first pass
    psm, turn = "1", 0.0
    if place.scale > 1:
        # orientation is decided on the page at its own size: enlarged, tesseract's guess goes astray
        found = _orientation(flat)
        if found is not None:  # else too few letters at this size: tesseract decides on the enlarged page
            psm, turn = "3", found
            if turn:
                prepared, place = _prepare(flat, layout, turn)
    first = _tesseract(prepared, languages, place, psm)
    coloured = _has_coloured_panels(flat)
    if coloured:
        panels = _tesseract(_prepare(_darkest_channel(flat), layout, turn)[0], languages, place, psm)
        first = max((first, panels), key=_sure_words)
    if _needs_retry(first, gray, layout.text_height):
        second = _tesseract(_prepare(_clean(gray), layout, turn)[0], languages, place, psm)
        first = second if second._score > first._score else first
    if place.scale == 1 and not place.angle and not coloured:  # the ink is measured on `gray` as it is
        first = _fill_missed(first, gray, languages)
    if not place.angle and _upright(first.words):  # crops of the lines' boxes hold the lines
        first = _second_look(first, gray)
    return first


def _second_look(result: OcrResult, gray: Image.Image) -> OcrResult:
    """`result` with the key fields' lines read again by a second recogniser (`ingest.ocr_second_look`)."""
    if not line_reader_available():
        return result
    words = [_as_row(w) for w in result.words]
    crops = field_lines(words, gray.size)
    if not any(crop.field == "total" for crop in crops):
        return result  # not a receipt or an invoice
    crops += date_lines(words, crops)
    return _with_words(result, words, second_look(words, crops, gray))


def _with_words(result: OcrResult, words: list[WordT], merged: list[WordT]) -> OcrResult:
    """`result` with `words` replaced by `merged` (same line numbers): changed lines' text rebuilt."""
    if merged == words:
        return result
    lines: dict[int, list[OcrWord]] = {}
    for word in merged:
        lines.setdefault(word[6], []).append(OcrWord(*word))
    changed = {w[6] for w in set(merged) ^ set(words)}
    for number in changed:
        lines[number].sort(key=lambda w: w.left)
    texts = result.text.split("\n")
    number = 0
    for position, text in enumerate(texts):
        if text:
            if number in changed:
                texts[position] = " ".join(w.text for w in lines.get(number, []))
            number += 1
    every = tuple(w for n in sorted(lines) for w in lines[n])
    confidences = [w.confidence for w in every if w.confidence >= 0]
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrResult("\n".join(texts), mean, every)


def _fill_missed(result: OcrResult, gray: Image.Image, languages: str) -> OcrResult:
    """`result` with the text its layout analysis left out beside its lines (`ingest.ocr_missed`)."""
    if not _upright(result.words):
        return result  # tesseract turned the page (--psm 1): its lines do not run left to right in `gray`
    words = [_as_row(w) for w in result.words]
    segments = missed_segments(gray, words)
    if not segments:
        return result
    stack, offsets = stack_segments(gray, segments)
    read = _tesseract(stack, languages, None, "6")  # at its own size: enlarged 2x it read no better (dev set)
    found = [_as_row(w) for w in read.words]
    merged = merge_words(words, segments, offsets, found, _is_junk)
    if len(merged) == len(words):
        return result
    lines: dict[int, list[OcrWord]] = {}
    for word in merged:
        lines.setdefault(word[6], []).append(OcrWord(*word))
    new = sorted((n for n in lines if n < 0), key=lambda n: min(w.top for w in lines[n]))
    grown = {word[6] for word in merged[len(words) :]}
    parts: list[tuple[str, list[OcrWord]]] = []
    number = 0
    for text in result.text.split("\n"):
        members = lines.get(number, []) if text else []
        if members:  # a line not read at all goes in before the first line read below it
            while new and min(w.top for w in lines[new[0]]) < min(w.top for w in members):
                parts.append(("", lines.pop(new.pop(0))))
        parts.append((text, members))
        number += bool(text)
    parts += [("", lines.pop(n)) for n in new]
    texts: list[str] = []
    every: list[OcrWord] = []
    for text, members in parts:
        if members and members[0].line in grown:
            members.sort(key=lambda w: w.left)
            text = " ".join(w.text for w in members)
        every += [replace(w, line=len(texts) - texts.count("")) for w in members]
        texts.append(text)
    confidences = [w.confidence for w in every if w.confidence >= 0]
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrResult("\n".join(texts), mean, tuple(every))


def _as_row(word: OcrWord) -> WordT:
    """The word as `ingest.ocr_missed` takes it (that module cannot import `OcrWord`: this one imports it)."""
    return (word.text, word.confidence, word.left, word.top, word.width, word.height, word.line)


def _upright(words: Iterable[OcrWord]) -> bool:
    """True when the lines' words run left to right and the lines top to bottom in the image's pixels."""
    lefts: dict[int, list[int]] = {}
    tops: dict[int, int] = {}
    for word in words:
        lefts.setdefault(word.line, []).append(word.left)
        tops.setdefault(word.line, word.top)
    pairs = [b > a for line in lefts.values() for a, b in itertools.pairwise(line)]
    downs = [b > a for a, b in itertools.pairwise(tops.values())]
    return sum(pairs) >= 0.8 * len(pairs) and sum(downs) >= 0.8 * len(downs)


def _has_coloured_panels(image: Image.Image) -> bool:
    """True when a good part of the page is strongly coloured (scans of paper never are: < 1%)."""
    if image.mode != "RGB":
        return False
    small = image.reduce(4) if min(image.size) >= 64 else image
    pixels = np.asarray(small, dtype=np.int16)
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    return float((spread >= _COLOURED_SPREAD).mean()) >= _COLOURED_SHARE


def _darkest_channel(image: Image.Image) -> Image.Image:
    """Grey levels from the darkest of R, G, B: print on coloured panels stands out from them."""
    red, green, blue = image.split()
    return ImageChops.darker(ImageChops.darker(red, green), blue)


def _sure_words(result: OcrResult) -> int:
    """How many words tesseract read with confidence: the reading that read more wins."""
    return sum(1 for word in result.words if word.confidence >= _SURE_WORD)


def _needs_retry(first: OcrResult, gray: Image.Image, text_height: float | None = None) -> bool:
    """Read again, cleaned, when the first pass read little, or read poorly a speckled page with large print.

    The cleaning is a 3×3 median filter: it removes specks from strokes three
    or more pixels thick, and erases thinner ones. Receipts scanned at 96 dpi
    (lines under ~16 px) are speckled by JPEG and thermal print, and read far
    worse once filtered (bench/fields.py): there the retry would only cost a pass.
    """
    read_plenty = len(first.text.strip()) >= _GOOD_LENGTH
    confident = (first.confidence or 0.0) >= _GOOD_CONFIDENCE
    if not read_plenty:
        return True
    if confident or (text_height is not None and text_height < _FILTERABLE_TEXT):
        return False
    return _is_speckled(gray)


def _orientation(image: Image.Image) -> float | None:
    """Degrees to turn the page (counter-clockwise) by tesseract's orientation detection.

    0 when the detection is unsure; None when it found too few letters to say.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with _image_file(image) as (path, keep_fds, stdin):
        command = [_binary(), path, "stdout", "--psm", "0"]
        with _tokens.hold() if _tokens is not None else contextlib.nullcontext():
            try:
                done = subprocess.run(
                    command,
                    input=stdin,
                    capture_output=True,
                    env=env,
                    pass_fds=keep_fds,
                    timeout=_TIMEOUT_SECONDS,
                )
            except subprocess.TimeoutExpired as err:
                raise ExtractionTimeout(f"OCR of one page ran past {_TIMEOUT_SECONDS} s") from err
    report = dict(
        line.split(":", 1) for line in done.stdout.decode("utf-8", "replace").splitlines() if ":" in line
    )
    try:
        rotate = int(report["Rotate"].strip())
        confidence = float(report["Orientation confidence"].strip())
    except (KeyError, ValueError):
        return None
    # keep the page upright unless the turned reading is clearly more likely
    return float(-rotate % 360) if rotate and confidence >= _TURN_CONFIDENCE else 0.0


def ocr_images(images: Iterable[Image.Image], languages: str, workers: int) -> Iterator[OcrResult]:
    """`ocr_image` of each image, `workers` at a time, results in order.

    `images` is consumed lazily (at most two per worker wait in memory), so a
    500-page scan is rendered page by page while earlier pages are read.
    """
    workers = max(1, workers)
    if workers == 1:
        for image in images:
            yield ocr_image(image, languages)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="ocr") as pool:
        window: deque[Future[OcrResult]] = deque()
        try:
            for image in images:
                window.append(pool.submit(ocr_image, image, languages))
                if len(window) >= 2 * workers:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:
                future.cancel()


def _flatten(image: Image.Image) -> Image.Image:
    """An RGB or grayscale copy that PNG can carry (no alpha, palette or 16-bit)."""
    if image.mode in ("1", "L", "RGB"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else values * 0
        return Image.fromarray(scaled.astype(np.uint8), mode="L")
    return image.convert("RGB")


@dataclass(frozen=True)
class _Placement:
    """How a prepared image maps back onto the original: turned by `angle` (expanded), then scaled."""

    size: tuple[int, int]  # the original's (width, height)
    turned: tuple[int, int]  # size after turning
    angle: float
    scale: float

    def box(self, left: int, top: int, width: int, height: int) -> tuple[int, int, int, int]:
        """A box of the prepared image in the original's pixels (the bounding box of its corners)."""
        s = self.scale
        corners = [(left / s, top / s), ((left + width) / s, top / s),
                   (left / s, (top + height) / s), ((left + width) / s, (top + height) / s)]  # fmt: skip
        if self.angle:
            theta = math.radians(self.angle)
            cos, sin = math.cos(theta), math.sin(theta)
            cx, cy = self.turned[0] / 2, self.turned[1] / 2
            ox, oy = self.size[0] / 2, self.size[1] / 2
            corners = [
                (ox + (x - cx) * cos - (y - cy) * sin, oy + (x - cx) * sin + (y - cy) * cos)
                for x, y in corners
            ]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        x0, y0 = max(0, round(min(xs))), max(0, round(min(ys)))
        x1, y1 = min(self.size[0], round(max(xs))), min(self.size[1], round(max(ys)))
        return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def _prepare(image: Image.Image, layout: Layout, turn: float = 0.0) -> tuple[Image.Image, _Placement]:
    """The page as tesseract should see it: turned straight, small text enlarged.

    `turn` (degrees, counter-clockwise) is added to the skew: a page upside down or on its side.
    """
    size = image.size
    if image.mode not in ("L", "RGB"):
        image = image.convert("L")  # "1" and "P" would be turned and resized by nearest neighbour
    angle = (layout.skew + turn) % 360
    if angle:
        fill: int | tuple[int, int, int] = 255 if image.mode == "L" else (255, 255, 255)
        image = image.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    turned = image.size
    scale = 1.0
    if layout.text_height is not None and layout.text_height < _SMALL_TEXT:
        scale = min(_MAX_UPSCALE, _TARGET_TEXT / max(1.0, layout.text_height))
        scale = min(scale, math.sqrt(_MAX_PIXELS / max(1, image.width * image.height)))
        if scale > 1.05:
            resized = (round(image.width * scale), round(image.height * scale))
            image = image.resize(resized, Image.Resampling.LANCZOS)
        else:
            scale = 1.0
    return image, _Placement(size, turned, angle, scale)


def _clean(gray: Image.Image) -> Image.Image:
    """Median filter (degraded scans read nothing without it) and contrast; faint print thresholded.

    The contrast is stretched from the darkest to the lightest pixel, with no
    cutoff: on a sparse page (one line of text) a 1% cutoff falls inside the
    paper and stretches its grain into noise that hides the text. Faint print
    (a few dozen grey levels between ink and paper) is turned black on white
    at the midpoint: tesseract's own threshold loses thin grey strokes.
    """
    gray = gray.filter(ImageFilter.MedianFilter(3))
    values = np.asarray(gray)
    low, high = int(values.min()), int(np.median(values))  # darkest ink that survived the filter, paper
    if 0 < high - low < _FAINT_CONTRAST:
        cut = (low + high) / 2
        return gray.point(lambda value: 0 if value < cut else 255)
    return ImageOps.autocontrast(gray)


def _is_blank(gray: Image.Image) -> bool:
    """True when nothing on the page stands out from its paper: no tesseract needed.

    The page is shrunk (4× for an A4 scan, which averages grain away) and
    compared with a blurred copy of itself, so shading and uneven lighting do
    not count; a pixel is a mark when it differs from its surroundings by more
    than six times the page's own noise (at least 3 grey levels). Text that
    tesseract can still read, 16 grey levels from grainy paper or 8 from clean
    paper, leaves over a hundred marks; grain and a speck of dust leave a few.
    """
    factor = 4 if gray.width >= 2000 else 2 if gray.width >= 1000 else 1
    small = gray.reduce(factor) if factor > 1 else gray
    deviation = ImageChops.difference(small, small.filter(ImageFilter.BoxBlur(8)))
    histogram = deviation.histogram()
    noise = _median_level(histogram) * 1.4826  # median absolute deviation → σ
    threshold = max(_BLANK_MIN_CONTRAST, round(6 * noise))
    return sum(histogram[threshold + 1 :]) < _BLANK_MARKS


def _median_level(histogram: list[int]) -> int:
    half, seen = sum(histogram) / 2, 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= half:
            return level
    return 0


def _is_speckled(gray: Image.Image) -> bool:
    """True when many dark pixels stand alone (salt-and-pepper, grain): what a median filter removes."""
    return _speckle_share(gray) >= _SPECKLED


def _speckle_share(gray: Image.Image) -> float:
    """Dark pixels with no dark pixel above, below or beside them, as a share of all dark pixels."""
    values = np.asarray(gray)
    low, high = np.percentile(values, [1, 99])
    dark = values < (low + high) / 2
    if dark.mean() > 0.5:  # light text on a dark ground
        dark = ~dark
    padded = np.pad(dark, 1)
    neighbours = padded[:-2, 1:-1].astype(np.uint8) + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]
    alone = int(np.count_nonzero(dark & (neighbours == 0)))
    return alone / max(1, int(np.count_nonzero(dark)))


def _binary() -> str:
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable("tesseract is not installed (apt-get install tesseract-ocr)")
    return binary


def _tesseract(
    image: Image.Image, languages: str, place: _Placement | None = None, psm: str = "1"
) -> OcrResult:
    binary = _binary()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        with _image_file(image) as (path, keep_fds, stdin):
            command = [binary, path, "stdout", "-l", languages, "--psm", psm, "tsv"]
            with _tokens.hold() if _tokens is not None else contextlib.nullcontext():
                done = subprocess.run(
                    command,
                    input=stdin,
                    capture_output=True,
                    env=env,
                    pass_fds=keep_fds,
                    timeout=_TIMEOUT_SECONDS,
                )
    except subprocess.TimeoutExpired as err:
        raise ExtractionTimeout(f"OCR of one page ran past {_TIMEOUT_SECONDS} s") from err
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CorruptDocument(f"tesseract could not read the image: {message[-1] if message else ''}")
    place = place or _Placement(image.size, image.size, 0.0, 1.0)
    return _parse_tsv(done.stdout.decode("utf-8", "replace"), place)


@contextlib.contextmanager
def _image_file(image: Image.Image) -> Iterator[tuple[str, tuple[int, ...], bytes | None]]:
    """(path for tesseract, descriptors it must inherit, bytes for its stdin) of `image`.

    On Linux the page is an uncompressed TIFF in an anonymous memory file that
    tesseract opens as /dev/fd/N: nothing on disk to leak when a child is
    killed. Not through stdin: tesseract copies stdin a byte at a time and
    leptonica parses PNM a pixel at a time, which together cost a fifth more
    CPU per A4 page than the same page read from a file (bench/ocr_rules.py).
    """
    if not hasattr(os, "memfd_create"):
        buffer = io.BytesIO()
        image.save(buffer, format="PPM")
        yield "stdin", (), buffer.getvalue()
        return
    fd = os.memfd_create("faldone-page")
    try:
        with open(fd, "wb", closefd=False) as file:
            image.save(file, format="TIFF")  # uncompressed: nothing to spend CPU on either side
        yield f"/dev/fd/{fd}", (fd,), None
    finally:
        os.close(fd)


def _is_junk(words: list[str]) -> bool:
    """A line of separators read as text: hardly a letter or digit, or one short token repeated."""
    joined = "".join(words)
    alnum = sum(char.isalnum() for char in joined)
    if alnum * 3 < len(joined):
        return True
    if len(words) >= 4 and all(len(word) <= 3 for word in words):
        most = max(words.count(word) for word in set(words))
        return most * 5 >= len(words) * 3
    return False


def _parse_tsv(tsv: str, place: _Placement) -> OcrResult:
    """Rebuild lines and paragraphs from tesseract's word table; drop junk lines; average word confidences."""
    lines: dict[tuple[int, int, int], list[list[str]]] = {}
    rows = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(rows, None)
    for row in rows:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        lines.setdefault((int(row[2]), int(row[3]), int(row[4])), []).append(row)
    parts: list[str] = []
    words: list[OcrWord] = []
    previous: tuple[int, int] | None = None
    for (block, paragraph, _line), cells in lines.items():
        texts = [cell[11] for cell in cells]
        if _is_junk(texts):
            continue
        if previous is not None and previous != (block, paragraph):
            parts.append("")  # blank line between paragraphs
        parts.append(" ".join(texts))
        previous = (block, paragraph)
        number = len(parts) - 1 - parts.count("")
        for cell in cells:
            left, top, width, height = place.box(int(cell[6]), int(cell[7]), int(cell[8]), int(cell[9]))
            words.append(OcrWord(cell[11], float(cell[10]), left, top, width, height, number))
    confidences = [word.confidence for word in words if word.confidence >= 0]
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrResult("\n".join(parts), mean, tuple(words))
