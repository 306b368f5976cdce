"""Hybrid fusion (`index.fusion`): feedback from the scoped results only, meaning never buried.

Synthetic unit vectors at a chosen angle from the query (one passage per document, exact
search below `EXACT_BELOW` passages), on the embedded index.
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
from index import fusion
from index.backend import SearchRequest, SearchResult
from index.backends.embedded import EmbeddedBackend
from index.query import ast
from tests.conformance.corpus import make_document

_WEAK = 40  # keyword hits barely related in meaning


def _unit(angle: float, rng: np.random.Generator, query: np.ndarray) -> np.ndarray:
    noise = rng.standard_normal(query.size)
    side = noise - (noise @ query) * query
    side /= np.linalg.norm(side)
    return np.asarray(math.cos(angle) * query + math.sin(angle) * side, dtype=np.float32)


def _doc(
    doc_id: str, source: str, text: str, angle: float, rng: np.random.Generator, query: np.ndarray
) -> Document:
    doc = replace(make_document(doc_id, [text]), source=source)
    vector = _unit(angle, rng, query)
    doc.annotations.passages = [Passage(page=1, start=0, end=len(text), vector=encode_vector(vector))]
    return doc


def _corpus(query: np.ndarray) -> list[Document]:
    rng = np.random.default_rng(11)
    docs = [
        # the nearest in meaning, of a source the request filters out: its words must not leak
        _doc("hidden", "secret", "rimborso pacco segretissimo clandestino", 0.0, rng, query),
        _doc("shop-1", "shop", "rimborso pacco restituito corriere", 0.3, rng, query),
        _doc("shop-2", "shop", "rimborso pacco restituito magazzino", 0.4, rng, query),
        # found by meaning alone: none of the query's words
        _doc("letter", "shop", "lettera del cliente arrabbiato", 0.2, rng, query),
    ]
    docs += [
        _doc(f"weak-{n:02d}", "shop", f"rimborso spese numero {n}", 1.45, rng, query) for n in range(_WEAK)
    ]
    # unrelated in meaning (cosine ~0.02, under `MIN_SIMILARITY`): never found by meaning
    docs += [_doc(f"bill-{n:02d}", "shop", f"fattura mensile {n}", 1.55, rng, query) for n in range(10)]
    return docs


class Recording(EmbeddedBackend):
    """The embedded index, keeping every keyword ranking that search by meaning asks for."""

    asked: list[SearchRequest]

    def keyword_ranking(self, request: SearchRequest) -> SearchResult:
        self.asked.append(request)
        return super().keyword_ranking(request)


@pytest.fixture(scope="module")
def query() -> np.ndarray:
    vector = np.random.default_rng(5).standard_normal(512)
    return np.asarray(vector / np.linalg.norm(vector), dtype=np.float32)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory, query: np.ndarray) -> Iterator[Recording]:
    opened = Recording(Path(tmp_path_factory.mktemp("fusion")) / "index", writer=True)
    opened.asked = []
    opened.index(_corpus(query))
    opened.commit()
    yield opened
    opened.close()


def _words(node: ast.Node | None) -> set[str]:
    if isinstance(node, ast.Term):
        return {node.text}
    if isinstance(node, ast.Or | ast.And):
        return set().union(*(_words(child) for child in node.children))
    return set()


def _hybrid(
    backend: Recording, query: np.ndarray, text: str, filters: dict[str, list[str]] | None = None
) -> list[str]:
    backend.asked = []
    vector = tuple(float(x) for x in query)
    request = SearchRequest(query=text, mode="hybrid", vector=vector, limit=60, filters=filters or {})
    return [hit.id for hit in backend.search(request).hits]


def test_feedback_words_come_from_the_scoped_results_only(backend: Recording, query: np.ndarray) -> None:
    ids = _hybrid(backend, query, "rimborso pacco", filters={"source": ["shop"]})
    assert "hidden" not in ids
    assert len(backend.asked) == 2  # the sentence's words, then the feedback words
    feedback = _words(backend.asked[1].tree)
    assert {"restituito", "corriere", "magazzino"} <= feedback
    assert not feedback & {"segretissimo", "clandestino"}
    assert all(asked.filters == {"source": ["shop"]} for asked in backend.asked)
    # Unfiltered, the hidden document is the nearest: its words are the feedback's.
    _hybrid(backend, query, "rimborso pacco")
    assert {"segretissimo", "clandestino"} <= _words(backend.asked[1].tree)


def test_a_document_found_by_meaning_alone_is_not_buried(backend: Recording, query: np.ndarray) -> None:
    ids = _hybrid(backend, query, "rimborso spese", filters={"source": ["shop"]})
    assert len(backend.asked) == 2  # the lists agree: convex fusion with feedback
    # Without the guarantee it would rank below the 40 weak keyword hits.
    assert ids.index("letter") < min(fusion.MEANING_RANK, 10)


def test_without_agreement_the_lists_are_interleaved(backend: Recording, query: np.ndarray) -> None:
    # The words match only documents unrelated in meaning: reciprocal rank fusion, no feedback.
    ids = _hybrid(backend, query, "fattura mensile", filters={"source": ["shop"]})
    assert len(backend.asked) == 1
    assert "letter" in ids[:2] and any(doc_id.startswith("bill-") for doc_id in ids[:2])


def test_fusion_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fusion.agree(["a", "b", "c", "d"], {"d": 0.9}) is False
    assert fusion.agree(["a", "b", "c"], {"c": 0.2}) is True
    ranked = fusion.convex({"a": 4.0, "b": 2.0}, {"b": 0.9, "c": 0.5})
    assert [doc_id for doc_id, _ in ranked] == ["a", "b", "c"]
    assert ranked[0][1] == pytest.approx(fusion.KEYWORD_SHARE)
    monkeypatch.setattr(fusion, "FEEDBACK_DOCS", 2)
    terms = fusion.feedback_terms(
        ["x", "a", "b", "c"], {"a": "Il rimborso del pacco", "b": "pacco l'ufficio", "c": "zeta"}
    )
    assert terms[0] == "pacco" and {"rimborso", "ufficio"} <= set(terms) and "zeta" not in terms
    assert not {"del", "il"} & set(terms)  # stop words out; "c" is past `FEEDBACK_DOCS`
    assert fusion.feedback_query([]) is None
    scores = fusion.with_feedback({"a": 2.0, "b": 1.0}, {"b": 5.0, "z": 9.0})
    assert set(scores) == {"a", "b"} and scores["b"] > scores["a"]
    ladder = [(f"d{n}", 10.0 - n) for n in range(10)]
    promoted = fusion.promote(ladder, "d9")
    assert [d for d, _ in promoted].index("d9") == fusion.MEANING_RANK - 1
    assert [s for _, s in promoted] == sorted((s for _, s in promoted), reverse=True)
    assert fusion.promote(ladder, "d1") == ladder
