"""OCR of one image with tesseract, shared by the PDF and image extractors.

Tesseract runs as a child process with ``OMP_THREAD_LIMIT=1`` (with OpenMP
threads it is 4–5× slower on our machines, and the worker already runs one
process per core) and ``--psm 1``, automatic segmentation with orientation
detection, which reads pages turned by 90° or 180°. When the first pass reads
little text or with a low mean confidence, the image is cleaned (grayscale,
median filter, autocontrast, upscaling) and read again; the better pass wins.

The confidence is tesseract's mean word confidence, 0–100.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from ingest.errors import CorruptDocument, ExtractionTimeout

__all__ = ["OcrResult", "OcrUnavailable", "ocr_image", "tesseract_available"]

_TIMEOUT_SECONDS = 300  # one page; the worker's job limit still applies on top
_GOOD_CONFIDENCE = 93.0  # clean scans read at 94–96; below that a cleaned copy often reads better
_GOOD_LENGTH = 20
_MIN_WIDTH = 2000  # below this the retry upscales: tesseract likes ~30 px capitals


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


def ocr_image(image: Image.Image, languages: str = "ita+eng") -> OcrResult:
    """Read the text of `image`, retrying on a cleaned copy when the first pass is poor."""
    first = _tesseract(_flatten(image), languages)
    if len(first.text.strip()) >= _GOOD_LENGTH and (first.confidence or 0.0) >= _GOOD_CONFIDENCE:
        return first
    second = _tesseract(_clean(image), languages)
    return second if second._score > first._score else first


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


def _clean(image: Image.Image) -> Image.Image:
    """Grayscale, median filter (degraded scans read nothing without it), contrast, size."""
    gray = ImageOps.grayscale(_flatten(image))
    gray = gray.filter(ImageFilter.MedianFilter(3))
    gray = ImageOps.autocontrast(gray, cutoff=1)
    if gray.width < _MIN_WIDTH:
        factor = min(3.0, _MIN_WIDTH / max(1, gray.width))
        size = (round(gray.width * factor), round(gray.height * factor))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    return gray


def _tesseract(image: Image.Image, languages: str) -> OcrResult:
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable("tesseract is not installed (apt-get install tesseract-ocr)")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [binary, "stdin", "stdout", "-l", languages, "--psm", "1", "tsv"]
    try:
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
