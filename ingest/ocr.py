"""OCR of one image with tesseract, shared by the PDF and image extractors.

Tesseract runs as a child process with ``OMP_THREAD_LIMIT=1`` (with OpenMP
threads it is 4–5× slower on our machines, and the worker already runs one
process per core) and ``--psm 1``, automatic segmentation with orientation
detection, which reads pages turned by 90° or 180°. Small images (under
2000 px wide) are upscaled before the first pass: tesseract reads ~30 px
capitals best, and small images are cheap to read anyway.

A blank page (nothing stands out from the paper: see `_is_blank`) is not
sent to tesseract at all: it would read nothing, slowly, twice.

When the first pass reads little text (fewer than 20 characters), the image
is cleaned (grayscale, median filter, autocontrast) and read again; the better
pass wins. When it reads plenty at a mean confidence below 80, the cleaned
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
import os
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageFilter, ImageOps

from ingest.errors import CorruptDocument, ExtractionTimeout

__all__ = [
    "CpuTokens",
    "OcrResult",
    "OcrUnavailable",
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
_MIN_WIDTH = 2000  # below this the image is upscaled: tesseract likes ~30 px capitals
_MAX_UPSCALE = 3.0


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed: a fault of the machine, not of the document."""


@dataclass(frozen=True)
class OcrResult:
    """Text read from one image and tesseract's mean word confidence (0–100)."""

    text: str
    confidence: float | None

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
    first = _tesseract(_upscale(flat), languages)  # colour kept for the first pass
    if not _needs_retry(first, gray):
        return first
    second = _tesseract(_clean(gray), languages)
    return second if second._score > first._score else first


def _needs_retry(first: OcrResult, gray: Image.Image) -> bool:
    """Read again, cleaned, when the first pass read little, or read poorly a page that is speckled."""
    read_plenty = len(first.text.strip()) >= _GOOD_LENGTH
    confident = (first.confidence or 0.0) >= _GOOD_CONFIDENCE
    return not (read_plenty and (confident or not _is_speckled(gray)))


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


def _upscale(image: Image.Image) -> Image.Image:
    if image.width >= _MIN_WIDTH:
        return image
    if image.mode not in ("L", "RGB"):
        image = image.convert("L")  # "1" and "P" would be resized by nearest neighbour
    factor = min(_MAX_UPSCALE, _MIN_WIDTH / max(1, image.width))
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.LANCZOS)


def _clean(gray: Image.Image) -> Image.Image:
    """Median filter (degraded scans read nothing without it), contrast, size.

    The contrast is stretched from the darkest to the lightest pixel, with no
    cutoff: on a sparse page (one line of text) a 1% cutoff falls inside the
    paper and stretches its grain into noise that hides the text.
    """
    gray = gray.filter(ImageFilter.MedianFilter(3))
    gray = ImageOps.autocontrast(gray)
    return _upscale(gray)


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


def _tesseract(image: Image.Image, languages: str) -> OcrResult:
    binary = _binary()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        with _image_file(image) as (path, keep_fds, stdin):
            command = [binary, path, "stdout", "-l", languages, "--psm", "1", "tsv"]
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
    return _parse_tsv(done.stdout.decode("utf-8", "replace"))


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


def _parse_tsv(tsv: str) -> OcrResult:
    """Rebuild lines and paragraphs from tesseract's word table; average word confidences."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    rows = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(rows, None)
    for row in rows:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        block, paragraph, line = int(row[2]), int(row[3]), int(row[4])
        lines.setdefault((block, paragraph, line), []).append(row[11])
        confidence = float(row[10])
        if confidence >= 0:
            confidences.append(confidence)
    parts: list[str] = []
    previous: tuple[int, int] | None = None
    for (block, paragraph, _line), words in lines.items():
        if previous is not None and previous != (block, paragraph):
            parts.append("")  # blank line between paragraphs
        parts.append(" ".join(words))
        previous = (block, paragraph)
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrResult("\n".join(parts), mean)
