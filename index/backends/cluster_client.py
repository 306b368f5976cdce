"""The client that fits the server: opensearch-py for OpenSearch, the official client for Elasticsearch.

The official ``elasticsearch`` 8 client refuses to talk to OpenSearch (product
check) and opensearch-py is not meant for Elasticsearch 8, so `connect` asks the
server first (``GET /``: ``version.distribution == "opensearch"``) and wraps the
matching client in `ClusterClient`, the few calls the backend needs. The
``elasticsearch`` package is optional (``elasticsearch==8.19.3``) and imported
only on that path.

Errors of either library become `BackendUnavailable` (connection) or
`SearchError` (a request the engine refused) at this boundary.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from index.backend import BackendUnavailable, SearchError

__all__ = ["ClusterClient", "NotFound", "connect", "server_info"]

Json = dict[str, Any]
_TIMEOUT = 60


class NotFound(SearchError):
    """The index or document does not exist."""


@dataclass(frozen=True)
class _Library:
    """The error classes of a client library."""

    connection_errors: tuple[type[Exception], ...]
    not_found: type[Exception]
    api_errors: tuple[type[Exception], ...]


def server_info(url: str, timeout: float = 10) -> Json:
    """``GET /`` of the server (version, distribution)."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=timeout) as answer:
            info: Json = json.loads(answer.read())
            return info
    except (OSError, urllib.error.URLError, ValueError) as err:
        raise BackendUnavailable(f"cannot reach the search cluster at {url}: {err}") from err


class ClusterClient:
    """The calls the cluster backend makes, on either client library."""

    def __init__(self, raw: Any, bulk: Callable[..., Any], errors: _Library, distribution: str) -> None:
        self.raw = raw
        self._bulk = bulk
        self._errors = errors
        self.distribution = distribution

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        try:
            yield
        except self._errors.not_found as err:
            raise NotFound(f"{what}: not found ({err})") from err
        except self._errors.connection_errors as err:
            raise BackendUnavailable(f"{what}: the cluster cannot be reached ({err})") from err
        except self._errors.api_errors as err:
            raise SearchError(f"{what} failed: {err}") from err

    def search(self, index: str, body: Json) -> Json:
        with self._translated("search"):
            answer: Json = self.raw.search(index=index, body=body)
            return answer

    def count(self, index: str, body: Json | None = None) -> int:
        with self._translated("count"):
            answer = self.raw.count(index=index, body=body or {"query": {"match_all": {}}})
            return int(answer["count"])

    def get_source(self, index: str, doc_id: str) -> Json:
        with self._translated(f"document {doc_id}"):
            answer: Json = self.raw.get(index=index, id=doc_id)
            return dict(answer["_source"])

    def bulk(self, actions: Iterable[Json]) -> None:
        with self._translated("bulk indexing"):
            _, errors = self._bulk(self.raw, actions, raise_on_error=False, chunk_size=500, max_retries=3)
        failed = [e for e in errors if not (isinstance(e, dict) and e.get("delete", {}).get("status") == 404)]
        if failed:
            raise SearchError(f"bulk indexing failed for {len(failed)} documents, e.g. {failed[0]}")

    def refresh(self, index: str) -> None:
        with self._translated("refresh"):
            self.raw.indices.refresh(index=index)

    def create_index(self, index: str, body: Json) -> None:
        with self._translated(f"create index {index}"):
            self.raw.indices.create(index=index, body=body)

    def put_settings(self, index: str, settings: Json) -> None:
        with self._translated(f"settings of {index}"):
            self.raw.indices.put_settings(index=index, body=settings)

    def delete_index(self, index: str) -> None:
        with self._translated(f"delete index {index}"):
            self.raw.indices.delete(index=index)

    def alias_targets(self, alias: str) -> list[str]:
        """Concrete indices behind `alias` (empty when there is no such alias)."""
        try:
            with self._translated(f"alias {alias}"):
                answer = self.raw.indices.get_alias(name=alias)
        except NotFound:
            return []
        return sorted(answer)

    def update_aliases(self, actions: list[Json]) -> None:
        with self._translated("alias update"):
            self.raw.indices.update_aliases(body={"actions": actions})

    def index_size(self, index: str) -> int:
        """Bytes on disk of the primaries of `index`."""
        with self._translated("index stats"):
            stats = self.raw.indices.stats(index=index, metric="store")
            return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

    def close(self) -> None:
        self.raw.close()


def _opensearch(url: str) -> ClusterClient:
    import opensearchpy
    from opensearchpy import helpers

    errors = _Library(
        connection_errors=(opensearchpy.ConnectionError, opensearchpy.ConnectionTimeout),
        not_found=opensearchpy.NotFoundError,
        api_errors=(opensearchpy.TransportError,),
    )
    raw = opensearchpy.OpenSearch(hosts=[url], timeout=_TIMEOUT, max_retries=2, retry_on_timeout=True)
    return ClusterClient(raw, helpers.bulk, errors, "opensearch")


def elasticsearch_client(raw: Any) -> ClusterClient:
    """Wrap an ``elasticsearch.Elasticsearch`` instance (the optional dependency)."""
    import elasticsearch
    from elasticsearch import helpers

    errors = _Library(
        connection_errors=(elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout),
        not_found=elasticsearch.NotFoundError,
        api_errors=(elasticsearch.ApiError, elasticsearch.TransportError),
    )
    return ClusterClient(raw, helpers.bulk, errors, "elasticsearch")


def _elasticsearch(url: str) -> ClusterClient:
    try:
        import elasticsearch
    except ImportError as err:
        raise BackendUnavailable(
            f"{url} is Elasticsearch: install the optional client, pip install elasticsearch==8.19.3"
        ) from err
    raw = elasticsearch.Elasticsearch(url, request_timeout=_TIMEOUT, max_retries=2, retry_on_timeout=True)
    return elasticsearch_client(raw)


def connect(url: str) -> ClusterClient:
    """A client for the server at `url`, picked by what the server says it is."""
    info = server_info(url)
    distribution = str(info.get("version", {}).get("distribution", "elasticsearch"))
    return _opensearch(url) if distribution == "opensearch" else _elasticsearch(url)
