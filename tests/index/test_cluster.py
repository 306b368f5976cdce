"""The cluster backend: alias and rebuild life cycle, readers, client choice.

Query semantics shared with the embedded backend live in ``tests/conformance``; these
run against the same session nodes (``cluster_url``): each test runs once on a real
Elasticsearch 8.19 node (official ``elasticsearch`` client) and once on a real
OpenSearch 2.19 node (opensearch-py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from index.backend import SearchError, SearchRequest
from index.backends.cluster import ClusterBackend
from index.backends.cluster_client import connect
from tests.conformance.cluster_node import cluster_url, distribution_at  # noqa: F401  (session fixture)
from tests.conformance.corpus import CORPUS, make_document


@pytest.fixture
def cluster(cluster_url: str) -> Iterator[ClusterBackend]:  # noqa: F811
    backend = ClusterBackend(cluster_url, f"t-{uuid.uuid4().hex[:8]}", writer=True)
    backend.index(CORPUS)
    backend.commit()
    yield backend
    for name in backend.client.alias_targets(backend.alias):
        backend.client.delete_index(name)
    backend.close()


def test_client_fits_the_server(cluster_url: str) -> None:  # noqa: F811
    client = connect(cluster_url)
    expected = distribution_at(cluster_url)
    assert client.distribution == expected
    library = "elasticsearch" if expected == "elasticsearch" else "opensearchpy"
    assert type(client.raw).__module__.split(".")[0] == library
    client.close()


def test_highlight_setting_only_on_elasticsearch(cluster: ClusterBackend) -> None:
    (concrete,) = cluster.client.alias_targets(cluster.alias)
    settings = cluster.client.raw.indices.get_settings(index=concrete)[concrete]["settings"]["index"]
    weight_matches = settings.get("highlight", {}).get("weight_matches_mode", {}).get("enabled")
    assert weight_matches == ("false" if cluster.client.distribution == "elasticsearch" else None)


def test_alias_points_at_a_concrete_index(cluster: ClusterBackend) -> None:
    (concrete,) = cluster.client.alias_targets(cluster.alias)
    assert concrete.startswith(f"{cluster.alias}-")
    assert cluster.count() == len(CORPUS)


def test_rebuild_swaps_the_alias_without_downtime(cluster: ClusterBackend, cluster_url: str) -> None:  # noqa: F811
    (old,) = cluster.client.alias_targets(cluster.alias)
    reader = ClusterBackend(cluster_url, cluster.alias, writer=False)
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


def test_abandoned_rebuild_never_goes_live(cluster_url: str) -> None:  # noqa: F811
    alias = f"t-{uuid.uuid4().hex[:8]}"
    backend = ClusterBackend(cluster_url, alias, writer=True)
    backend.start_rebuild()
    backend.index(CORPUS)
    backend.close()
    again = ClusterBackend(cluster_url, alias, writer=True)
    assert again.count() == 0
    for name in again.client.alias_targets(alias):
        again.client.delete_index(name)
    again.close()


def test_reader_without_index_answers_nothing(cluster_url: str) -> None:  # noqa: F811
    reader = ClusterBackend(cluster_url, f"missing-{uuid.uuid4().hex[:8]}", writer=False)
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


def test_writers_starting_together_share_one_index(cluster_url: str) -> None:  # noqa: F811
    from concurrent.futures import ThreadPoolExecutor

    alias = f"t-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(4) as pool:
        writers = list(pool.map(lambda _: ClusterBackend(cluster_url, alias, writer=True), range(4)))
    assert len(writers[0].client.alias_targets(alias)) == 1
    writers[0].index(CORPUS)
    writers[0].commit()
    assert writers[1].count() == len(CORPUS)
    for name in writers[0].client.alias_targets(alias):
        writers[0].client.delete_index(name)
    for writer in writers:
        writer.close()
