"""The sentence encoder runs on one BLAS thread (five times the CPU without it, bench/README.md)."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info

from nlp.blas import one_blas_thread
from nlp.embedding import embed


def _blas_threads() -> list[int]:
    return [int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_one_blas_thread_holds_numpys_blas_to_one_thread() -> None:
    assert _blas_threads(), "threadpoolctl finds no BLAS library under numpy"
    with one_blas_thread():
        assert set(_blas_threads()) == {1}


def test_embed_gives_unit_vectors_and_gives_the_threads_back() -> None:
    before = _blas_threads()
    texts = ["Vi scrivo per contestare la fattura n. 42.", "Thank you for the quick delivery."]
    vectors = embed(texts)
    assert _blas_threads() == before
    assert vectors.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) < 0.9  # two different texts, two different vectors
