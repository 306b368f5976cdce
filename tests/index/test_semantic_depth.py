"""How many passages search by meaning asks for, and what it does when filters reject them.

Synthetic unit vectors at a chosen angle from the query (one passage per document, an
exhaustive search below `EXACT_BELOW` passages): 500 "near" documents that the filter
rejects, then 100 "far" ones that it keeps.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.document import Document, Passage
from core.vectors import encode_vector
from index.backend import SearchBackend, SearchRequest
from index.backends.embedded import EmbeddedBackend
from index.semantic import SEMANTIC_DEPTH
from tests.conformance.corpus import make_document

_NEAR, _FAR = 500, 100


def _unit(angle: float, noise: np.ndarray, query: np.ndarray) -> np.ndarray:
    side = noise - (noise @ query) * query
    side /= np.linalg.norm(side)
    return np.asarray(math.cos(angle) * query + math.sin(angle) * side, dtype=np.float32)


def _corpus(query: np.ndarray) -> list[Document]:
    rng = np.random.default_rng(7)
    docs: list[Document] = []
    for n in range(_NEAR + _FAR):
        near = n < _NEAR
        angle = 0.1 + 0.5 * n / _NEAR if near else 0.9 + 0.2 * (n - _NEAR) / _FAR
        angle = {0: 0.0, _NEAR: 0.7}.get(n, angle)  # the first of each kind stands out
        text = f"documento numero {n}"
        doc = replace(
            make_document(f"{'near' if near else 'far'}-{n:03d}", [text]), source="a" if near else "b"
        )
        vector = _unit(angle, rng.standard_normal(query.size), query)
        doc.annotations.passages = [Passage(page=1, start=0, end=len(text), vector=encode_vector(vector))]
        docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def query() -> np.ndarray:
    vector = np.random.default_rng(3).standard_normal(512)
    return np.asarray(vector / np.linalg.norm(vector), dtype=np.float32)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory, query: np.ndarray) -> Iterator[SearchBackend]:
    opened = EmbeddedBackend(Path(tmp_path_factory.mktemp("depth")) / "index", writer=True)
    opened.index(_corpus(query))
    opened.commit()
    yield opened
    opened.close()


def _semantic(backend: SearchBackend, query: np.ndarray, **extra: object) -> list[str]:
    request = SearchRequest(mode="semantic", vector=tuple(float(x) for x in query), limit=100, **extra)  # type: ignore[arg-type]
    found = backend.search(request)
    assert found.total == len(found.hits)
    scores = [hit.score for hit in found.hits]
    assert scores == sorted(scores, reverse=True)
    return [hit.id for hit in found.hits]


def test_the_nearest_documents_come_first(backend: SearchBackend, query: np.ndarray) -> None:
    ids = _semantic(backend, query)
    assert len(ids) == SEMANTIC_DEPTH and all(doc_id.startswith("near-") for doc_id in ids)
    assert ids[0] == "near-000"


def test_when_the_filter_rejects_the_nearest_passages_the_search_widens(
    backend: SearchBackend, query: np.ndarray
) -> None:
    # The first 2 x depth passages all belong to documents the filter rejects: none may leak,
    # and every document it keeps is found.
    ids = _semantic(backend, query, filters={"source": ["b"]})
    assert sorted(ids) == [f"far-{n:03d}" for n in range(_NEAR, _NEAR + _FAR)]
    assert ids[0] == "far-500"
    hybrid = backend.search(
        SearchRequest(
            mode="hybrid", query="documento", vector=tuple(float(x) for x in query), filters={"source": ["b"]}
        )
    )
    assert hybrid.total == _FAR and all(hit.id.startswith("far-") for hit in hybrid.hits)
