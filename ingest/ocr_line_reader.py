"""A second recogniser for single printed lines: PaddleOCR's PP-OCRv6 text recogniser.

Tesseract finds the lines of a page and reads them; on small receipts it misreads
letters of the words that matter most ("TEO" for TED, "CARE" for CAKE, "(RI)" for
(KL)). PaddleOCR's recogniser reads a cropped line as a whole (a CTC network over
the line image, 48 px high) and gets those letters right more often, but it drops
the spaces between widely set words ("SANYUSTATIONERYSHOP"). `ingest.ocr_second_look`
takes its letters and tesseract's spaces.

The weights are PP-OCRv6 "small" in ONNX (Apache-2.0, Baidu / PaddleOCR), as the
`rapidocr` wheel ships them (requirements-model.txt, installed without its
dependencies: only the model file is used, through onnxruntime, on one thread).
Nothing is downloaded. Its alphabet (18,708 symbols) covers Latin letters with
Italian accents, digits, punctuation, € and £.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

__all__ = ["LineReading", "line_reader_available", "read_lines"]

_MODEL = "PP-OCRv6_rec_small.onnx"
_HEIGHT = 48  # px: the network's input height
_MIN_RATIO = 320 / 48  # the narrowest batch the network was trained on
_BATCH = 6
_lock = threading.Lock()


@dataclass(frozen=True)
class LineReading:
    """A line as read: its text and the mean probability of its characters (0–1)."""

    text: str
    confidence: float


@cache
def model_path() -> Path | None:
    """The recogniser's ONNX file inside the installed `rapidocr` package (not imported: it needs cv2).
    Looked up once per process: `ingest.ocr` asks for every page."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "models" / _MODEL
        if path.is_file():
            return path
    return None


def line_reader_available() -> bool:
    return model_path() is not None


@cache
def _session() -> tuple[Any, str, list[str]]:
    import onnxruntime  # here: only a process that reads scans pays for loading it

    path = model_path()
    if path is None:
        raise FileNotFoundError(f"{_MODEL} not installed (requirements-model.txt: rapidocr)")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # the extraction pool already runs one reader per core
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    alphabet = session.get_modelmeta().custom_metadata_map["character"].split("\n")
    return session, session.get_inputs()[0].name, ["", *alphabet, " "]  # CTC blank first, space last


def read_lines(crops: Sequence[Image.Image]) -> list[LineReading]:
    """Each crop (one printed line, any size) read as one line of text."""
    if not crops:
        return []
    with _lock:
        session, name, symbols = _session()
    found: list[LineReading | None] = [None] * len(crops)
    order = sorted(range(len(crops)), key=lambda i: _ratio(crops[i]))
    for start in range(0, len(order), _BATCH):  # similar widths together: less padding to read
        batch = order[start : start + _BATCH]
        width = int(_HEIGHT * max(_MIN_RATIO, *(_ratio(crops[i]) for i in batch)))
        tensor = np.zeros((len(batch), 3, _HEIGHT, width), dtype=np.float32)
        for row, index in enumerate(batch):
            tensor[row] = _normalised(crops[index], width)
        probabilities = session.run(None, {name: tensor})[0]
        for row, index in enumerate(batch):
            found[index] = _decoded(probabilities[row], symbols)
    return [reading for reading in found if reading is not None]


def _ratio(image: Image.Image) -> float:
    return image.width / max(1, image.height)


def _normalised(crop: Image.Image, width: int) -> np.ndarray:
    """The crop scaled to the network's height, values in [-1, 1], padded with 0 on the right."""
    scaled = min(width, math.ceil(_HEIGHT * _ratio(crop)))
    pixels = np.asarray(crop.convert("RGB").resize((scaled, _HEIGHT), Image.Resampling.BILINEAR), np.float32)
    padded = np.zeros((3, _HEIGHT, width), dtype=np.float32)
    padded[:, :, :scaled] = pixels.transpose(2, 0, 1) / 127.5 - 1.0
    return padded


def _decoded(probabilities: np.ndarray, symbols: Sequence[str]) -> LineReading:
    """Greedy CTC: the likeliest symbol per step, repeats merged, blanks dropped."""
    best = probabilities.argmax(axis=1)
    keep = np.ones(len(best), dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    keep &= best != 0
    text = "".join(symbols[i] for i in best[keep])
    confidence = float(probabilities.max(axis=1)[keep].mean()) if keep.any() else 0.0
    return LineReading(text, confidence)
