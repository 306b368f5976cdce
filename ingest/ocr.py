"""OCR of one image with tesseract, shared by the PDF and image extractors.

Tesseract runs as a child process with ``OMP_THREAD_LIMIT=1`` (with OpenMP
threads it is 4–5× slower on our machines, and the worker already runs one
process per core) and ``--psm 1``, automatic segmentation with orientation
detection, which reads pages turned by 90° or 180°. Small images (under
2000 px wide) are upscaled before the first pass: tesseract reads ~30 px
capitals best, and small images are cheap to read anyway.

When the first pass reads little text (fewer than 20 characters) or with a
mean confidence below 80, the image is cleaned (grayscale, median filter,
autocontrast) and read again; the better pass wins. Measured on the corpus
(bench/ocr.py, tests/ingest/test_ocr.py): clean scans read at 84–96, so the
old threshold of 93 read most real pages twice for no gain; a degraded scan
reads nothing, or below 60, without the median filter.

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
from PIL import Image, ImageFilter, ImageOps

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
_GOOD_CONFIDENCE = 80.0  # real scans read at 84–96; degraded ones below 60 until cleaned
_GOOD_LENGTH = 20
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
    first = _tesseract(_prepare(image), languages)
    if len(first.text.strip()) >= _GOOD_LENGTH and (first.confidence or 0.0) >= _GOOD_CONFIDENCE:
        return first
    second = _tesseract(_clean(image), languages)
    return second if second._score > first._score else first


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


def _prepare(image: Image.Image) -> Image.Image:
    """The first pass's input: flattened, small images upscaled."""
    return _upscale(_flatten(image))


def _clean(image: Image.Image) -> Image.Image:
    """Grayscale, median filter (degraded scans read nothing without it), contrast, size."""
    gray = ImageOps.grayscale(_flatten(image))
    gray = gray.filter(ImageFilter.MedianFilter(3))
    gray = ImageOps.autocontrast(gray, cutoff=1)
    return _upscale(gray)


def _tesseract(image: Image.Image, languages: str) -> OcrResult:
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable("tesseract is not installed (apt-get install tesseract-ocr)")
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")  # PBM/PGM/PPM: no compression to spend CPU on
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [binary, "stdin", "stdout", "-l", languages, "--psm", "1", "tsv"]
    try:
        with _tokens.hold() if _tokens is not None else contextlib.nullcontext():
            done = subprocess.run(
                command, input=buffer.getvalue(), capture_output=True, env=env, timeout=_TIMEOUT_SECONDS
            )
    except subprocess.TimeoutExpired as err:
        raise ExtractionTimeout(f"OCR of one page ran past {_TIMEOUT_SECONDS} s") from err
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CorruptDocument(f"tesseract could not read the image: {message[-1] if message else ''}")
    return _parse_tsv(done.stdout.decode("utf-8", "replace"))


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
