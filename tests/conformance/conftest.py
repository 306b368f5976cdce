"""The `backend` fixture: the shared corpus indexed in each backend under test.

To add a backend, add an opener to `OPENERS` (name -> function of a fresh
folder returning a writable backend); every conformance test then runs on it.

The cluster backend runs against ONE real Elasticsearch 8.19 node, ONE Elasticsearch
8.19 node with its security on (https, basic auth) and ONE real OpenSearch 2.19 node per
test session (see ``cluster_node``): every conformance test runs on the embedded index and
on the three servers. When a node cannot start, its tests
are skipped on a developer machine, but FAIL under ``CI=true``: CI never skips them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.backend import SearchBackend
from index.backends.cluster import ClusterBackend
from index.backends.embedded import EmbeddedBackend
from tests.conformance.cluster_node import node_auth, node_url
from tests.conformance.corpus import CORPUS, FEATURE_CORPUS

__all__ = ["OPENERS", "SEMANTIC_OPENERS", "backend", "feature_backend"]


def _embedded(request: pytest.FixtureRequest, path: Path) -> SearchBackend:
    """As by default: with word pairs (setting ``phrase_pairs``), two-word phrases by pair terms."""
    return EmbeddedBackend(path / "index", writer=True)


def _embedded_positions(request: pytest.FixtureRequest, path: Path) -> SearchBackend:
    """Without word pairs (``phrase_pairs`` off): every phrase reads positions."""
    return EmbeddedBackend(path / "index", writer=True, pairs=False)


def _cluster(node: str) -> Callable[[pytest.FixtureRequest, Path], SearchBackend]:
    def opener(request: pytest.FixtureRequest, path: Path) -> SearchBackend:
        url = node_url(node, request.getfixturevalue("tmp_path_factory"))
        name = f"faldone-test-{uuid.uuid4().hex[:8]}"
        backend = ClusterBackend(url, name, writer=True, auth=node_auth(node))
        assert backend.client.distribution == node.split("-")[0]
        return backend

    return opener


OPENERS: dict[str, Callable[[pytest.FixtureRequest, Path], SearchBackend]] = {
    "embedded": _embedded,
    "embedded-positions": _embedded_positions,
    "elasticsearch": _cluster("elasticsearch"),
    "elasticsearch-secure": _cluster("elasticsearch-secure"),  # https + basic auth
    "opensearch": _cluster("opensearch"),
}
# Backends that search by meaning (tests/conformance/test_semantic.py): all of them.
SEMANTIC_OPENERS = sorted(OPENERS)


@pytest.fixture(scope="module", params=sorted(OPENERS))
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    """`CORPUS` in each backend."""
    opened = OPENERS[request.param](request, tmp_path_factory.mktemp(request.param))
    opened.index(CORPUS)
    opened.commit()
    yield opened
    opened.close()


@pytest.fixture(scope="module", params=sorted(OPENERS))
def feature_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    """`FEATURE_CORPUS` (paging, threads, duplicates) in each backend."""
    opened = OPENERS[request.param](request, tmp_path_factory.mktemp(request.param))
    opened.index(FEATURE_CORPUS)
    opened.commit()
    yield opened
    opened.close()
