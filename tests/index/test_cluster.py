"""The cluster backend: alias and rebuild life cycle, readers, client choice.

Query semantics shared with the embedded backend live in ``tests/conformance``;
these run against the same session OpenSearch node (``opensearch_url``).

The Elasticsearch 8 path (official ``elasticsearch`` client) CANNOT be tested
against a real server here: no Elasticsearch server can be installed on the
machines that build this project. `test_elasticsearch_client_builds_requests`
checks only what can be checked without one: that the client is chosen for a
non-OpenSearch server, and that the requests the backend sends through the
official client (paths, methods, bodies) are the expected ones, against a
recording transport node that answers like Elasticsearch.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from index.backend import SearchError, SearchRequest
from index.backends.cluster import ClusterBackend
from index.backends.cluster_client import connect
from tests.conformance.cluster_node import opensearch_url  # noqa: F401  (session fixture)
from tests.conformance.corpus import CORPUS, make_document


@pytest.fixture
def cluster(opensearch_url: str) -> Iterator[ClusterBackend]:  # noqa: F811
    backend = ClusterBackend(opensearch_url, f"t-{uuid.uuid4().hex[:8]}", writer=True)
    backend.index(CORPUS)
    backend.commit()
    yield backend
    for name in backend.client.alias_targets(backend.alias):
        backend.client.delete_index(name)
    backend.close()


def test_client_fits_the_server(opensearch_url: str) -> None:  # noqa: F811
    client = connect(opensearch_url)
    assert client.distribution == "opensearch"
    client.close()


def test_alias_points_at_a_concrete_index(cluster: ClusterBackend) -> None:
    (concrete,) = cluster.client.alias_targets(cluster.alias)
    assert concrete.startswith(f"{cluster.alias}-")
    assert cluster.count() == len(CORPUS)


def test_rebuild_swaps_the_alias_without_downtime(cluster: ClusterBackend, opensearch_url: str) -> None:  # noqa: F811
    (old,) = cluster.client.alias_targets(cluster.alias)
    reader = ClusterBackend(opensearch_url, cluster.alias, writer=False)
    cluster.start_rebuild()
    cluster.index([make_document("rebuilt", ["Indice ricostruito."], language="it")])
    cluster.commit()
    assert reader.count() == len(CORPUS)  # searches still see the live index
    assert reader.search(SearchRequest(query="ricostruito")).total == 0
    cluster.finish_rebuild()
    (new,) = cluster.client.alias_targets(cluster.alias)
    assert new != old
    assert reader.count() == 1
    assert [h.id for h in reader.search(SearchRequest(query="ricostruito")).hits] == ["rebuilt"]
    assert not cluster.client.raw.indices.exists(index=old)  # the old index is dropped
    reader.close()


def test_abandoned_rebuild_never_goes_live(opensearch_url: str) -> None:  # noqa: F811
    alias = f"t-{uuid.uuid4().hex[:8]}"
    backend = ClusterBackend(opensearch_url, alias, writer=True)
    backend.start_rebuild()
    backend.index(CORPUS)
    backend.close()
    again = ClusterBackend(opensearch_url, alias, writer=True)
    assert again.count() == 0
    for name in again.client.alias_targets(alias):
        again.client.delete_index(name)
    again.close()


def test_reader_without_index_answers_nothing(opensearch_url: str) -> None:  # noqa: F811
    reader = ClusterBackend(opensearch_url, f"missing-{uuid.uuid4().hex[:8]}", writer=False)
    assert reader.count() == 0
    assert reader.search(SearchRequest(query="fattura")).hits == []
    with pytest.raises(SearchError):
        reader.index(CORPUS)
    reader.close()


def test_replace_delete_clear(cluster: ClusterBackend) -> None:
    cluster.index([make_document("it-fatture", ["Documento sostituito."], language="it")])
    cluster.commit()
    assert [h.id for h in cluster.search(SearchRequest(query="sostituito")).hits] == ["it-fatture"]
    assert cluster.count() == len(CORPUS)
    cluster.delete(["it-fatture", "never-indexed"])
    cluster.commit()
    assert cluster.count() == len(CORPUS) - 1
    cluster.clear()
    assert cluster.count() == 0


def test_long_text_is_highlighted_to_the_end(cluster: ClusterBackend) -> None:
    filler = "parola " * 300_000
    long_doc = make_document("long", [filler[:1_000_000], filler[:1_000_000] + " ultimissima"], language="it")
    cluster.index([long_doc])
    cluster.commit()
    (hit,) = cluster.search(SearchRequest(query="ultimissima")).hits
    assert hit.highlights[0].page == 2
    assert "<mark>ultimissima</mark>" in hit.highlights[0].fragment


# -- the Elasticsearch path, without an Elasticsearch server ------------------------------------


def _recording_node_class(elastic_transport: Any, requests: list[tuple[str, str, Any]]) -> type:
    """A transport node that answers like an Elasticsearch 8 node and records every request."""
    from elastic_transport._node._base import NodeApiResponse

    class RecordingNode(elastic_transport.BaseNode):  # type: ignore[misc]
        def perform_request(self, method: str, target: str, body: bytes | None = None, **_: Any) -> Any:
            requests.append((method, target, json.loads(body) if body else None))
            if target.startswith("/_alias/"):
                payload: Any = {"faldone-1": {"aliases": {"faldone": {}}}}
            elif target.endswith("/_search"):
                payload = {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}
            elif target.endswith("/_count"):
                payload = {"count": 0}
            else:
                payload = {"acknowledged": True}
            headers = elastic_transport.HttpHeaders(
                {"X-Elastic-Product": "Elasticsearch", "content-type": "application/json"}
            )
            meta = elastic_transport.ApiResponseMeta(200, "1.1", headers, 0.0, self.config)
            return NodeApiResponse(meta, json.dumps(payload).encode())

    return RecordingNode


def test_elasticsearch_client_builds_requests() -> None:
    """Skipped only where the optional client is not installed (pip install elasticsearch==8.19.3)."""
    elasticsearch = pytest.importorskip("elasticsearch", reason="optional: pip install elasticsearch==8.19.3")
    elastic_transport = pytest.importorskip("elastic_transport")
    from index.backends.cluster_client import elasticsearch_client

    requests: list[tuple[str, str, Any]] = []
    node_class = _recording_node_class(elastic_transport, requests)
    raw = elasticsearch.Elasticsearch("http://es.invalid:9200", node_class=node_class)
    backend = ClusterBackend(
        "http://es.invalid:9200", "faldone", writer=True, client=elasticsearch_client(raw)
    )
    backend.search(SearchRequest(query='"nota di credito" complaint:true', facets=["type"], sort="date_desc"))
    method, target, body = requests[-1]
    assert (method, target) == ("POST", "/faldone/_search")
    assert body["sort"] == [{"date": "desc"}, {"id_key": "asc"}]
    assert body["aggs"]["facet_type"]["terms"]["field"] == "type"
    assert {"term": {"complaint": True}} in body["query"]["bool"]["must"]
    assert backend.count() == 0
    assert requests[-1][:2] == ("POST", "/faldone/_count")
    backend.close()


def test_writers_starting_together_share_one_index(opensearch_url: str) -> None:  # noqa: F811
    from concurrent.futures import ThreadPoolExecutor

    alias = f"t-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(4) as pool:
        writers = list(pool.map(lambda _: ClusterBackend(opensearch_url, alias, writer=True), range(4)))
    assert len(writers[0].client.alias_targets(alias)) == 1
    writers[0].index(CORPUS)
    writers[0].commit()
    assert writers[1].count() == len(CORPUS)
    for name in writers[0].client.alias_targets(alias):
        writers[0].client.delete_index(name)
    for writer in writers:
        writer.close()
