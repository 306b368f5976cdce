"""The `backend` fixture: the shared corpus indexed in each backend under test.

To add a backend, add an opener to `OPENERS` (name -> function of a fresh
folder returning a writable backend); every conformance test then runs on it.

The cluster backend runs against ONE real OpenSearch node per test session
(`opensearch_url`). When the node cannot start, the cluster tests are skipped
on a developer machine, but FAIL under ``CI=true``: CI never skips them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.backend import SearchBackend
from index.backends.cluster import ClusterBackend
from index.backends.embedded import EmbeddedBackend
from tests.conformance.corpus import CORPUS
from tests.services.opensearch import OpenSearchNode, start_opensearch


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the session's OpenSearch node (started on first use)."""
    try:
        node: OpenSearchNode = start_opensearch(tmp_path_factory.mktemp("opensearch"))
    except (RuntimeError, OSError) as err:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the OpenSearch node did not start (CI never skips these tests): {err}")
        pytest.skip(f"no OpenSearch node: {err}")
    with node:
        yield node.url


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
    opened = OPENERS[request.param](request, tmp_path_factory.mktemp(request.param))
    opened.index(CORPUS)
    opened.commit()
    yield opened
    opened.close()
