"""Authentication and TLS against a real Elasticsearch 8.19 node with its own security on.

The node (x-pack-core + x-pack-security from Maven Central, see ``tests/services``) answers
only https, with a certificate signed by a CA made for this test, and only to a user of its
file realm. Faldone connects with ``cluster_ca_certs`` and basic authentication; a wrong
password or a missing CA fails at start with one clear message, never a traceback, and the
password shows up in no message and no log line.

OpenSearch's security plugin (org.opensearch.plugin:opensearch-security) is not published on
Maven Central for 2.19, so the OpenSearch node cannot carry these tests.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.backend import SearchRequest
from index.backends.cluster import ClusterBackend
from index.backends.cluster_client import ClusterAuth, ClusterRefused, connect
from tests.conformance.corpus import CORPUS
from tests.conftest import IN_CI
from tests.services.elasticsearch import start_secure_elasticsearch
from tests.services.opensearch import OpenSearchNode

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def secure_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenSearchNode]:
    try:
        node = start_secure_elasticsearch(tmp_path_factory.mktemp("es-secure"))
    except (RuntimeError, OSError) as err:
        if IN_CI:
            pytest.fail(f"the Elasticsearch node with security did not start (CI never skips): {err}")
        pytest.skip(f"no Elasticsearch node with security: {err}")
    yield node
    node.stop()


def _auth(node: OpenSearchNode, **changes: object) -> ClusterAuth:
    values: dict[str, object] = {
        "username": node.username,
        "password": node.password,
        "ca_certs": node.ca_cert,
    }
    return ClusterAuth(**{**values, **changes})  # type: ignore[arg-type]


def test_https_and_basic_auth_index_and_search(secure_node: OpenSearchNode) -> None:
    assert secure_node.url.startswith("https://")
    backend = ClusterBackend(
        secure_node.url, f"secure-{uuid.uuid4().hex[:8]}", writer=True, auth=_auth(secure_node)
    )
    assert backend.client.distribution == "elasticsearch"
    backend.index(CORPUS)
    backend.commit()
    assert backend.count() == len(CORPUS)
    assert {h.id for h in backend.search(SearchRequest(query="fatture")).hits} == {"it-fattura", "it-fatture"}
    backend.close()


def test_an_api_key_instead_of_user_and_password(secure_node: OpenSearchNode) -> None:
    admin = connect(secure_node.url, _auth(secure_node))
    key = admin.raw.security.create_api_key(name=f"faldone-{uuid.uuid4().hex[:6]}")["encoded"]
    admin.close()
    client = connect(secure_node.url, ClusterAuth(api_key=key, ca_certs=secure_node.ca_cert))
    assert client.distribution == "elasticsearch"
    assert client.count("*") >= 0  # an authenticated request through the official client
    client.close()


def test_the_node_refuses_anonymous_requests(secure_node: OpenSearchNode) -> None:
    with pytest.raises(ClusterRefused, match="refused the credentials"):
        connect(secure_node.url, ClusterAuth(ca_certs=secure_node.ca_cert))


def test_wrong_password_is_refused_at_once_without_echo(
    secure_node: OpenSearchNode, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = f"wrong-{uuid.uuid4().hex}"
    with caplog.at_level(logging.DEBUG), pytest.raises(ClusterRefused) as raised:
        connect(secure_node.url, _auth(secure_node, password=wrong), wait_seconds=60)  # no retrying: refused
    message = str(raised.value)
    assert "refused the credentials (HTTP 401)" in message and "FALDONE_CLUSTER_PASSWORD" in message
    assert wrong not in message and wrong not in caplog.text
    assert secure_node.password not in caplog.text


def test_a_certificate_that_does_not_verify_is_refused(secure_node: OpenSearchNode) -> None:
    with pytest.raises(ClusterRefused, match="FALDONE_CLUSTER_CA_CERTS"):
        connect(secure_node.url, _auth(secure_node, ca_certs=None))


def _cli(node: OpenSearchNode, tmp_path: Path, password: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FALDONE_DATA_DIR": str(tmp_path / "data"),
        "FALDONE_SEARCH_BACKEND": "cluster",
        "FALDONE_CLUSTER_URL": node.url,
        "FALDONE_CLUSTER_INDEX": "secure-cli",
        "FALDONE_CLUSTER_USERNAME": node.username,
        "FALDONE_CLUSTER_PASSWORD": password,
        "FALDONE_CLUSTER_CA_CERTS": str(node.ca_cert),
        "FALDONE_CLUSTER_CONNECT_TIMEOUT": "30",
        "FALDONE_AUTH_DISABLED": "true",
        "FALDONE_LOG_FORMAT": "json",
    }
    command = [sys.executable, "-m", "cli.main", "-v", *args]  # -v: INFO logs too, to grep
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_cli_start_with_the_right_and_a_wrong_password(secure_node: OpenSearchNode, tmp_path: Path) -> None:
    good = _cli(secure_node, tmp_path, secure_node.password, "search", "fattura")
    assert good.returncode == 0, good.stdout + good.stderr
    wrong = f"wrong-{uuid.uuid4().hex}"
    bad = _cli(secure_node, tmp_path, wrong, "search", "fattura")
    output = bad.stdout + bad.stderr
    assert bad.returncode == 2, output
    assert "Traceback" not in output
    assert "refused the credentials" in output
    for secret in (wrong, secure_node.password):
        assert secret not in output and secret not in good.stdout + good.stderr
