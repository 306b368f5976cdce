"""One node of each search server per test session, shared by every test package that needs one.

`cluster_url` is a session fixture parametrised over both distributions the cluster backend
supports, a real Elasticsearch 8.19 node and a real OpenSearch 2.19 node (both built from
Maven Central jars, see ``tests/services``): a test that takes it runs once on each.
`opensearch_url` and `elasticsearch_url` give one of them. Test packages outside
``tests/conformance`` import the fixtures from here. The nodes are kept in this module, so
that two imports of a fixture (two fixture definitions) still start ONE node of each; they
stop when the test process exits. Under ``CI=true`` a node that cannot start fails the tests;
elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from index.backends.cluster_client import ClusterAuth
from tests.services.elasticsearch import start_elasticsearch, start_secure_elasticsearch
from tests.services.opensearch import OpenSearchNode, start_opensearch

__all__ = [
    "DISTRIBUTIONS",
    "cluster_url",
    "distribution_at",
    "elasticsearch_url",
    "node_auth",
    "node_url",
    "opensearch_url",
]

#: the servers every cluster test runs on (the value of ``ClusterClient.distribution``)
DISTRIBUTIONS = ["elasticsearch", "opensearch"]

_STARTERS: dict[str, Callable[[Path], OpenSearchNode]] = {
    "elasticsearch": start_elasticsearch,
    "opensearch": start_opensearch,
    # Elasticsearch with its own security on: https (a CA made by the test) and basic auth
    "elasticsearch-secure": start_secure_elasticsearch,
}
_NODES: dict[str, OpenSearchNode] = {}
_FAILURES: dict[str, str] = {}


def node_url(distribution: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of the session's node of `distribution` (started on first use)."""
    if distribution not in _NODES and distribution not in _FAILURES:
        try:
            _NODES[distribution] = _STARTERS[distribution](tmp_path_factory.mktemp(distribution))
        except (RuntimeError, OSError) as err:
            _FAILURES[distribution] = str(err)
    if distribution in _FAILURES:
        message = f"the {distribution} node did not start"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI never skips these tests): {_FAILURES[distribution]}")
        pytest.skip(f"{message}: {_FAILURES[distribution]}")
    return _NODES[distribution].url


def node_auth(name: str) -> ClusterAuth:
    """The credentials and CA of the session's node `name` (started already by `node_url`)."""
    node = _NODES[name]
    return ClusterAuth(username=node.username, password=node.password, ca_certs=node.ca_cert)


def distribution_at(url: str) -> str:
    """Which of the session's nodes answers at `url` ("elasticsearch" or "opensearch")."""
    (name,) = [name for name, node in _NODES.items() if node.url == url]
    return name


@pytest.fixture(scope="session", params=DISTRIBUTIONS)
def cluster_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of the session's Elasticsearch node, then of its OpenSearch node."""
    return node_url(str(request.param), tmp_path_factory)


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of the session's OpenSearch node (started on first use)."""
    return node_url("opensearch", tmp_path_factory)


@pytest.fixture(scope="session")
def elasticsearch_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of the session's Elasticsearch node (started on first use)."""
    return node_url("elasticsearch", tmp_path_factory)
