"""One OpenSearch node per test session, shared by every test package that needs one.

`opensearch_url` is a session fixture; test packages outside ``tests/conformance``
import it from here. The node itself is kept in this module, so that two imports of
the fixture (two fixture definitions) still start ONE node; it stops when the test
process exits. Under ``CI=true`` a node that cannot start fails the tests; elsewhere
they are skipped with the reason.
"""

from __future__ import annotations

import os

import pytest

from tests.services.opensearch import OpenSearchNode, start_opensearch

__all__ = ["opensearch_url"]

_NODE: list[OpenSearchNode] = []
_FAILURE: list[str] = []


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of the session's OpenSearch node (started on first use)."""
    if not _NODE and not _FAILURE:
        try:
            _NODE.append(start_opensearch(tmp_path_factory.mktemp("opensearch")))  # stopped at exit
        except (RuntimeError, OSError) as err:
            _FAILURE.append(str(err))
    if _FAILURE:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the OpenSearch node did not start (CI never skips these tests): {_FAILURE[0]}")
        pytest.skip(f"no OpenSearch node: {_FAILURE[0]}")
    return _NODE[0].url
