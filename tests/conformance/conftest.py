"""The `backend` fixture: the shared corpus indexed in each backend under test.

To add a backend, add an opener to `OPENERS` (name -> function of a fresh
folder returning a writable backend); every conformance test then runs on it.

The cluster backend runs against ONE real OpenSearch node per test session
(`opensearch_url`, see ``cluster_node``). When the node cannot start, the cluster
tests are skipped on a developer machine, but FAIL under ``CI=true``: CI never
skips them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.backend import SearchBackend
from index.backends.cluster import ClusterBackend
from index.backends.embedded import EmbeddedBackend
from tests.conformance.cluster_node import opensearch_url
from tests.conformance.corpus import CORPUS, FEATURE_CORPUS

__all__ = ["OPENERS", "backend", "feature_backend", "opensearch_url"]


def _embedded(request: pytest.FixtureRequest, path: Path) -> SearchBackend:
    return EmbeddedBackend(path / "index", writer=True)


def _cluster(request: pytest.FixtureRequest, path: Path) -> SearchBackend:
    url: str = request.getfixturevalue("opensearch_url")
    return ClusterBackend(url, f"faldone-test-{uuid.uuid4().hex[:8]}", writer=True)


OPENERS: dict[str, Callable[[pytest.FixtureRequest, Path], SearchBackend]] = {
    "embedded": _embedded,
    "cluster": _cluster,
}


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
