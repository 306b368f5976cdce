"""A two-node OpenSearch cluster on loopback with a replica of every shard; one node is
killed (SIGKILL) while searches and writes go on.

Node A is data + cluster manager, node B is data only: B is the one killed, so the
cluster keeps its manager (with two nodes, losing the manager would stop writes until
it returns: that takes three manager-eligible nodes, which this test does not start).
The client knows both nodes (``cluster_url`` lists them); searches and writes that hit
the dead node are retried by the client on the other one. Users see no error at all
from searches, and writes see at most a `BackendUnavailable` that the caller retries
(the worker requeues such jobs); nothing is lost: every document is there once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.document import Document
from index.backend import BackendUnavailable, SearchRequest
from index.backends.cluster import ClusterBackend
from tests.conformance.cluster_node import node_url
from tests.conformance.corpus import make_document
from tests.services.opensearch import OpenSearchNode, free_port, start_opensearch

pytestmark = pytest.mark.integration

BATCH = 20


@pytest.fixture
def two_nodes(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[OpenSearchNode]]:
    node_url("opensearch", tmp_path_factory)  # the session's node: launcher built, or fail/skip
    transports = [free_port(), free_port()]
    ports = [free_port(), free_port()]
    common = {
        "cluster.name": f"faldone-pair-{ports[0]}",
        "discovery.type": "zen",
        "discovery.seed_hosts": ",".join(f"127.0.0.1:{t}" for t in transports),
        "cluster.initial_cluster_manager_nodes": f"faldone-node-{ports[0]}",
        "cluster.default_number_of_replicas": "1",
    }
    small = "-Xms256m -Xmx512m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"
    nodes: list[OpenSearchNode] = []
    try:
        nodes.append(
            start_opensearch(
                tmp_path / "a",
                ports[0],
                settings={**common, "transport.port": str(transports[0])},
                java_opts=small,
            )
        )
        nodes.append(
            start_opensearch(
                tmp_path / "b",
                ports[1],
                settings={**common, "transport.port": str(transports[1]), "node.roles": "data,ingest"},
                java_opts=small,
            )
        )
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def _docs(start: int, count: int) -> list[Document]:
    return [
        make_document(
            f"doc-{i:05d}", [f"Lettera numero {i}: reclamo per la consegna in ritardo."], language="it"
        )
        for i in range(start, start + count)
    ]


def test_killing_a_node_loses_nothing(two_nodes: list[OpenSearchNode]) -> None:
    a, b = two_nodes
    url = f"{b.url},{a.url}"  # the node about to die is the first the clients try
    writer = ClusterBackend(url, "failover", writer=True, shards=2, replicas=1)
    reader = ClusterBackend(url, "failover", writer=False)
    health = writer.client.raw.cluster.health(
        params={"wait_for_status": "green", "wait_for_nodes": "2", "timeout": "90s"}, request_timeout=120
    )
    assert health["number_of_nodes"] == 2 and health["status"] == "green"

    search_errors: list[Exception] = []
    searches = [0]
    done = threading.Event()

    def search_loop() -> None:
        while not done.is_set():
            try:
                reader.search(SearchRequest(query="reclamo", limit=5))
                searches[0] += 1
            except Exception as err:  # a user would see this one
                search_errors.append(err)
            time.sleep(0.05)

    searcher = threading.Thread(target=search_loop, daemon=True)
    searcher.start()
    written, retries, killed_at = 0, 0, None
    deadline = time.monotonic() + 240
    while written < 40 * BATCH and time.monotonic() < deadline:
        if written == 10 * BATCH and killed_at is None:
            b.kill()  # a crash, mid-ingest and mid-search
            killed_at = written
        try:
            writer.index(_docs(written, BATCH))
            writer.commit()
        except BackendUnavailable:
            retries += 1  # the caller (the worker) retries the same batch: ids make it idempotent
            assert retries <= 20, "writes did not recover"
            time.sleep(1)
            continue
        written += BATCH
    done.set()
    searcher.join(30)

    assert killed_at == 10 * BATCH and written == 40 * BATCH
    assert search_errors == [], search_errors[:3]
    assert searches[0] > 10
    writer.commit()
    assert reader.count() == written
    found = reader.search(SearchRequest(query="", limit=0)).total
    assert found == written  # each id once: nothing lost, nothing twice
    health = writer.client.raw.cluster.health()
    assert health["number_of_nodes"] == 1 and health["status"] in ("yellow", "green")
    writer.close()
    reader.close()
