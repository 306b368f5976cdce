"""The sentence encoder runs on one BLAS thread (five times the CPU without it, bench/README.md)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from nlp import embedding
from nlp.blas import one_blas_thread
from nlp.embedding import embed, forget_recent


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


class _CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        self.encoded: list[str] = []

    def encode(self, texts: list[str]) -> Any:
        self.encoded += texts
        return self.encoder.encode(texts)


def test_a_text_embedded_recently_is_not_encoded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    footer = (
        "To unsubscribe from this list send an e-mail to majordomo@example.org with the word unsubscribe."
    )
    fresh = embed(["Il pacco è arrivato rotto e nessuno risponde.", footer], remember=True)
    counting = _CountingEncoder(embedding.load_encoder())
    monkeypatch.setattr(embedding, "load_encoder", lambda: counting)
    again = embed([footer, "A new question about my invoice", footer], remember=True)
    assert counting.encoded == ["A new question about my invoice"]  # the footer: once, earlier
    np.testing.assert_allclose(again[0], fresh[1], atol=1e-6)
    np.testing.assert_array_equal(again[0], again[2])
    again[0][:] = 0.0  # the caller's rows are its own
    np.testing.assert_allclose(embed([footer], remember=True)[0], fresh[1], atol=1e-6)
    embed([footer])  # a query or a document's reading text: encoded every time
    assert counting.encoded == ["A new question about my invoice", footer]
    forget_recent()
    embed([footer], remember=True)
    assert counting.encoded[-1] == footer


def test_the_recent_texts_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "CACHE_SIZE", 3)
    texts = [f"Message number {n} about the delivery" for n in range(5)]
    vectors = embed(texts, remember=True)
    counting = _CountingEncoder(embedding.load_encoder())
    monkeypatch.setattr(embedding, "load_encoder", lambda: counting)
    again = embed(texts[:2] + texts[4:], remember=True)  # the two oldest were dropped, the newest kept
    assert counting.encoded == texts[:2]
    np.testing.assert_allclose(again, vectors[[0, 1, 4]], atol=1e-6)
