"""`faldone reindex [--backend embedded|cluster]`: rebuilds an index from the catalog."""

from __future__ import annotations

import uuid

import pytest

from cli.main import main
from core.catalog import Catalog
from core.settings import Settings
from index.backend import SearchRequest
from index.backends import open_backend
from tests.conformance.cluster_node import cluster_url  # noqa: F401  (session fixture: Elasticsearch, OpenSearch)
from tests.conformance.corpus import CORPUS


def _catalog_with_corpus(settings: Settings) -> None:
    catalog = Catalog(settings.resolved_catalog_url)
    for doc in CORPUS:
        catalog.enqueue(doc.sha256, doc.filename, "test")
    for job in catalog.claim("test", limit=len(CORPUS), lease_seconds=60):
        doc = next(d for d in CORPUS if d.sha256 == job.sha256)
        catalog.complete(job, [doc], [], doc.mime_type)
    catalog.close()


def test_reindex_embedded(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _catalog_with_corpus(settings)
    monkeypatch.setattr("cli.main.load_settings", lambda: settings)
    assert main(["reindex"]) == 0
    backend = open_backend(settings, writer=False)
    assert backend.count() == len(CORPUS)
    assert main(["reindex"]) == 0  # again: replaced, not doubled
    backend.refresh()
    assert backend.count() == len(CORPUS)
    backend.close()


def test_reindex_moves_an_installation_to_the_cluster(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    cluster_url: str,  # noqa: F811
) -> None:
    _catalog_with_corpus(settings)
    on_cluster = settings.model_copy(
        update={"cluster_url": cluster_url, "cluster_index": f"reindex-{uuid.uuid4().hex[:8]}"}
    )
    monkeypatch.setattr("cli.main.load_settings", lambda: on_cluster)
    assert on_cluster.search_backend == "embedded"
    assert main(["reindex", "--backend", "cluster"]) == 0
    cluster = open_backend(on_cluster.model_copy(update={"search_backend": "cluster"}), writer=False)
    assert cluster.count() == len(CORPUS)
    assert {h.id for h in cluster.search(SearchRequest(query="fatture")).hits} == {"it-fattura", "it-fatture"}
    cluster.close()
    assert main(["reindex", "--backend", "cluster"]) == 0  # a second run swaps in a fresh index
