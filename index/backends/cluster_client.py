"""The client that fits the server: opensearch-py for OpenSearch, the official client for Elasticsearch.

The official ``elasticsearch`` 8 client refuses to talk to OpenSearch (product
check) and opensearch-py is not meant for Elasticsearch 8, so `connect` asks the
server first, through opensearch-py's ``info()`` (``GET /``, with the credentials
and TLS settings of `ClusterAuth`: ``version.distribution == "opensearch"``), and
wraps the matching client in `ClusterClient`, the few calls the backend needs.

Credentials travel only in `ClusterAuth` (never in a URL) and every message that
leaves this module has them blanked out. While the cluster cannot be reached,
`connect` retries with backoff for ``wait_seconds`` (compose starts everything
together); wrong credentials or a certificate that does not verify fail at once
with `ClusterRefused`.

Errors of either library become `BackendUnavailable` (connection, or an engine that
answers "unavailable"), `ClusterRefused` (authentication, TLS) or `SearchError`
(a request the engine refused) at this boundary.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.backend import BackendUnavailable, SearchError

__all__ = [
    "ClusterAuth",
    "ClusterClient",
    "ClusterRefused",
    "NotFound",
    "connect",
    "node_urls",
    "server_info",
]

Json = dict[str, Any]
_TIMEOUT = 60
# HTTP answers that mean "the cluster cannot serve now", not "your request is wrong"
_UNAVAILABLE_STATUS = frozenset({429, 502, 503, 504})

log = logging.getLogger("faldone.index.cluster")


class NotFound(SearchError):
    """The index or document does not exist."""


class ClusterRefused(BackendUnavailable):
    """The cluster answers but refuses us: wrong credentials or a TLS certificate that does
    not verify. Retrying does not help; the settings must change."""


@dataclass(frozen=True)
class ClusterAuth:
    """How to authenticate to the cluster and check its certificate (secrets never in repr)."""

    username: str = ""
    password: str = field(default="", repr=False)
    api_key: str = field(default="", repr=False)
    ca_certs: Path | None = None
    verify_certs: bool = True

    def secrets(self) -> list[str]:
        return [s for s in (self.password, self.api_key) if s]

    def redact(self, text: str) -> str:
        """`text` with every secret blanked out (library errors may echo what they were given)."""
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text

    def opensearch_options(self) -> Json:
        options: Json = {"verify_certs": self.verify_certs, "ssl_show_warn": False}
        if self.ca_certs is not None:
            options["ca_certs"] = str(self.ca_certs)
        if self.api_key:
            options["headers"] = {"Authorization": f"ApiKey {self.api_key}"}
        elif self.username:
            options["http_auth"] = (self.username, self.password)
        return options

    def elasticsearch_options(self) -> Json:
        options: Json = {"verify_certs": self.verify_certs}
        if not self.verify_certs:
            options["ssl_show_warn"] = False
        if self.ca_certs is not None:
            options["ca_certs"] = str(self.ca_certs)
        if self.api_key:
            options["api_key"] = self.api_key
        elif self.username:
            options["basic_auth"] = (self.username, self.password)
        return options


@dataclass(frozen=True)
class _Library:
    """The error classes of a client library."""

    connection_errors: tuple[type[Exception], ...]
    not_found: type[Exception]
    api_errors: tuple[type[Exception], ...]


def node_urls(url: str) -> list[str]:
    """The nodes of a cluster URL: one URL, or several separated by commas (any node may
    answer; the client moves to another one when a node stops answering)."""
    return [part.strip() for part in url.split(",") if part.strip()]


def server_info(url: str, auth: ClusterAuth | None = None, timeout: float = 10) -> Json:
    """``GET /`` of the server (version, distribution), through opensearch-py's ``info()``.

    opensearch-py does no product check, so it can ask either server what it is.
    """
    import opensearchpy

    auth = auth or ClusterAuth()
    hosts = node_urls(url)
    client = opensearchpy.OpenSearch(
        hosts=hosts, timeout=timeout, max_retries=len(hosts) - 1, **auth.opensearch_options()
    )
    try:
        info: Json = client.info()
        return info
    except opensearchpy.SSLError as err:
        raise ClusterRefused(
            f"the TLS certificate of the search cluster at {url} does not verify "
            f"(check FALDONE_CLUSTER_CA_CERTS): {auth.redact(str(err))}"
        ) from err
    except opensearchpy.AuthenticationException as err:
        raise ClusterRefused(
            f"the search cluster at {url} refused the credentials (HTTP 401): "
            "check FALDONE_CLUSTER_USERNAME and FALDONE_CLUSTER_PASSWORD (or FALDONE_CLUSTER_API_KEY)"
        ) from err
    except opensearchpy.AuthorizationException as err:
        raise ClusterRefused(
            f"the search cluster at {url} denied this user access (HTTP 403): give it the rights on the index"
        ) from err
    except (opensearchpy.ConnectionError, opensearchpy.ConnectionTimeout) as err:
        raise BackendUnavailable(
            f"cannot reach the search cluster at {url}: {auth.redact(str(err))}"
        ) from err
    except opensearchpy.TransportError as err:
        raise BackendUnavailable(
            f"the search cluster at {url} answered {err.status_code}: {auth.redact(str(err.error))}"
        ) from err
    finally:
        client.close()


class ClusterClient:
    """The calls the cluster backend makes, on either client library."""

    def __init__(
        self,
        raw: Any,
        bulk: Callable[..., Any],
        errors: _Library,
        distribution: str,
        auth: ClusterAuth | None = None,
    ) -> None:
        self.raw = raw
        self._bulk = bulk
        self._errors = errors
        self.distribution = distribution
        self._auth = auth or ClusterAuth()

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        redact = self._auth.redact
        try:
            yield
        except self._errors.not_found as err:
            raise NotFound(f"{what}: not found ({redact(str(err))})") from err
        except self._errors.connection_errors as err:
            raise BackendUnavailable(
                f"{what}: the search cluster cannot be reached ({redact(str(err))})"
            ) from err
        except self._errors.api_errors as err:
            if _status(err) in (401, 403):
                raise ClusterRefused(
                    f"{what}: the search cluster refused the credentials ({_status(err)})"
                ) from err
            if _status(err) in _UNAVAILABLE_STATUS:
                raise BackendUnavailable(
                    f"{what}: the search cluster is unavailable ({redact(str(err))})"
                ) from err
            raise SearchError(f"{what} failed: {redact(str(err))}") from err

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
            if all(_item_status(e) in _UNAVAILABLE_STATUS for e in failed):  # e.g. no shard copy is live
                raise BackendUnavailable(
                    f"bulk indexing: the search cluster is unavailable, e.g. {failed[0]}"
                )
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

    def mapped_fields(self, index: str) -> set[str]:
        """Top-level fields of the mapping of `index` (an alias: of its indices)."""
        with self._translated(f"mapping of {index}"):
            answer = self.raw.indices.get_mapping(index=index)
        return {name for body in answer.values() for name in body.get("mappings", {}).get("properties", {})}

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


def _status(err: Exception) -> int | None:
    """The HTTP status of a library error (opensearch-py: status_code; elasticsearch: meta.status)."""
    status = getattr(err, "status_code", None)
    if status is None:
        status = getattr(getattr(err, "meta", None), "status", None)
    return status if isinstance(status, int) else None


def _item_status(item: Any) -> int | None:
    if not isinstance(item, dict):
        return None
    for result in item.values():
        if isinstance(result, dict) and isinstance(result.get("status"), int):
            return int(result["status"])
    return None


def _opensearch(url: str, auth: ClusterAuth) -> ClusterClient:
    import opensearchpy
    from opensearchpy import helpers

    errors = _Library(
        connection_errors=(opensearchpy.ConnectionError, opensearchpy.ConnectionTimeout),
        not_found=opensearchpy.NotFoundError,
        api_errors=(opensearchpy.TransportError,),
    )
    raw = opensearchpy.OpenSearch(
        hosts=node_urls(url),
        timeout=_TIMEOUT,
        max_retries=2,
        retry_on_timeout=True,
        **auth.opensearch_options(),
    )
    return ClusterClient(raw, helpers.bulk, errors, "opensearch", auth)


def elasticsearch_client(raw: Any, auth: ClusterAuth | None = None) -> ClusterClient:
    """Wrap an ``elasticsearch.Elasticsearch`` instance."""
    import elasticsearch
    from elasticsearch import helpers

    errors = _Library(
        connection_errors=(elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout),
        not_found=elasticsearch.NotFoundError,
        api_errors=(elasticsearch.ApiError, elasticsearch.TransportError),
    )
    return ClusterClient(raw, helpers.bulk, errors, "elasticsearch", auth)


def _elasticsearch(url: str, auth: ClusterAuth) -> ClusterClient:
    try:
        import elasticsearch
    except ImportError as err:
        raise BackendUnavailable(
            f"{url} is Elasticsearch: install the client, pip install elasticsearch==8.19.3"
        ) from err
    raw = elasticsearch.Elasticsearch(
        node_urls(url),
        request_timeout=_TIMEOUT,
        max_retries=2,
        retry_on_timeout=True,
        **auth.elasticsearch_options(),
    )
    return elasticsearch_client(raw, auth)


def connect(url: str, auth: ClusterAuth | None = None, *, wait_seconds: float = 0) -> ClusterClient:
    """A client for the server at `url`, picked by what the server says it is.

    While the server cannot be reached, retry with backoff (0.5 s doubling up to 10 s) for
    `wait_seconds`, logging each wait; `ClusterRefused` (credentials, TLS) is never retried.
    """
    auth = auth or ClusterAuth()
    deadline = time.monotonic() + wait_seconds
    delay = 0.5
    while True:
        try:
            info = server_info(url, auth)
            break
        except ClusterRefused:
            raise
        except BackendUnavailable as err:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            pause = min(delay, left)
            log.warning("search cluster not ready yet, retrying in %.1f s: %s", pause, err)
            time.sleep(pause)
            delay = min(delay * 2, 10.0)
    distribution = str(info.get("version", {}).get("distribution", "elasticsearch"))
    return _opensearch(url, auth) if distribution == "opensearch" else _elasticsearch(url, auth)
