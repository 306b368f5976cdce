"""Connecting to the cluster: credentials out of URLs, logs and errors; waiting at start-up.

Runs against the session's real nodes (`cluster_url`: Elasticsearch 8.19, then OpenSearch
2.19). Authentication and TLS against a node with security on: ``test_cluster_security``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest

from core.settings import Settings
from index.backend import BackendUnavailable
from index.backends.cluster import cluster_auth
from index.backends.cluster_client import ClusterAuth, connect
from tests.conformance.cluster_node import cluster_url, distribution_at  # noqa: F401  (session fixture)
from tests.processes import free_port
from tests.services.forwarder import Forwarder

SECRET = f"pw-{uuid.uuid4().hex}"


def test_credentials_in_the_url_move_to_their_settings() -> None:
    settings = Settings(_env_file=None, cluster_url=f"https://elastic:{SECRET}@search.example:9200/")  # type: ignore[call-arg]
    assert settings.cluster_url == "https://search.example:9200/"
    assert settings.cluster_username == "elastic"
    assert settings.cluster_password.get_secret_value() == SECRET
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    auth = cluster_auth(settings)
    assert SECRET not in repr(auth)
    assert auth.redact(f"boom {SECRET} boom") == "boom *** boom"


def test_unreachable_cluster_is_retried_then_reported_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    auth = ClusterAuth(username="elastic", password=SECRET)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), pytest.raises(BackendUnavailable) as raised:
        connect(url, auth, wait_seconds=2.0)
    assert time.monotonic() - started >= 2.0
    retries = [r for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(retries) >= 2  # 0.5 s, 1 s, ...: backoff, not a busy loop
    assert "127.0.0.1" in str(raised.value)
    assert SECRET not in str(raised.value) and SECRET not in caplog.text


def test_start_up_waits_for_a_cluster_that_comes_up_late(
    cluster_url: str,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The service starts before the cluster answers (compose starts them together)."""
    port = free_port()
    target = int(urlsplit(cluster_url).port or 0)
    with Forwarder(port, target) as forwarder:
        threading.Timer(2.0, forwarder.open).start()
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            client = connect(f"http://127.0.0.1:{port}", wait_seconds=60)
        waited = time.monotonic() - started
        assert 1.5 <= waited < 30
        assert client.distribution == distribution_at(cluster_url)
        assert any("not ready yet" in r.getMessage() for r in caplog.records)
        client.close()
