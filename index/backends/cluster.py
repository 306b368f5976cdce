"""The cluster backend: Elasticsearch 8 or OpenSearch 2/3, behind an alias.

Searches and writes go through the alias (``faldone``) to one concrete index
(``faldone-<timestamp>``). A writer creates the first concrete index when the
alias is missing. `start_rebuild` creates a fresh concrete index that receives
the writes of a reindex; `finish_rebuild` refreshes it and moves the alias in
one atomic ``_aliases`` call, then drops the old index: searches never see a
half-built index (zero downtime).

Writes are sent in bulk as they come (``index``/``delete``) and made visible by
`commit` (a refresh). A reader whose alias does not exist yet answers with
nothing rather than failing. Queries are parsed by `index.query.parse` and
translated by ``cluster_query``; see ``cluster_mapping`` for the analysis.

Passage vectors for search by meaning are a nested field of each document
(``cluster_vectors``: Elasticsearch's ``dense_vector`` and knn, or a painless cosine on
OpenSearch without its k-NN plugin); semantic and hybrid requests are run by
`index.semantic`. An index created before that field existed gets no vectors (a log
line says so) until `faldone reindex --backend cluster` builds a fresh one.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from core.clock import now
from core.document import Document
from core.settings import Settings
from index.backend import (
    HistogramBucket,
    Hit,
    Interval,
    PassageMatch,
    SearchBackend,
    SearchError,
    SearchRequest,
    SearchResult,
    encode_cursor,
)
from index.backends.cluster_client import ClusterAuth, ClusterClient, NotFound, connect
from index.backends.cluster_mapping import from_source, index_body, to_source
from index.backends.cluster_query import excluded_ids, filters, translate
from index.backends.cluster_results import (
    facet_aggs,
    highlight_spec,
    highlights,
    histogram_aggs,
    parse_facets,
    parse_histogram,
)
from index.backends.cluster_vectors import nearest_body, parse_nearest, passages_source
from index.backends.registry import register_backend
from index.backends.similarity import NEAR_DUPLICATE_BITS, bands, hamming
from index.fields import STORED_FIELDS
from index.query import parse
from index.query.semantics import positive_part
from index.query.values import resolve_field
from index.semantic import search_by_meaning
from index.timing import StageClock

__all__ = ["MAX_WINDOW", "ClusterBackend", "cluster_auth", "open_cluster"]

# The engines' index.max_result_window: deeper pages use search_after.
MAX_WINDOW = 10_000
Json = dict[str, Any]
log = logging.getLogger("faldone.index")
_SORTS: dict[str, list[Json]] = {
    "relevance": [{"_score": "desc"}, {"id_key": "asc"}],
    "date_desc": [{"date": "desc"}, {"id_key": "asc"}],
    "date_asc": [{"date": "asc"}, {"id_key": "asc"}],
}
_MLT_FIELDS = ["text", "text.it", "text.en", "title", "subject"]


class ClusterBackend(SearchBackend):
    """`SearchBackend` on an Elasticsearch/OpenSearch index behind alias `index`."""

    name = "cluster"

    def __init__(
        self,
        url: str,
        index: str,
        *,
        writer: bool,
        client: ClusterClient | None = None,
        auth: ClusterAuth | None = None,
        wait_seconds: float = 0,
        shards: int = 1,
        replicas: int = 0,
    ) -> None:
        self._client = client or connect(url, auth, wait_seconds=wait_seconds)
        self._shards, self._replicas = shards, replicas
        self.alias = index
        self._writer = writer
        self._target = index  # where writes go: the alias, or the index being rebuilt
        self._rebuilding: str | None = None
        if writer and not self._client.alias_targets(index):
            self._create_first()
        self._vectors_mapped = not writer or "passages" in self._client.mapped_fields(index)
        if not self._vectors_mapped:
            log.warning(
                "the index behind %s predates passage vectors: search by meaning finds nothing new "
                "until `faldone reindex --backend cluster`",
                index,
            )

    @property
    def client(self) -> ClusterClient:
        return self._client

    def _create_first(self) -> None:
        """The first concrete index, created with its alias in one request.

        Several writers (workers) may start at once on an empty cluster: the fixed name
        lets exactly one creation succeed, so the alias never points at two indices.
        """
        try:
            body = index_body(
                distribution=self._client.distribution, shards=self._shards, replicas=self._replicas
            )
            self._client.create_index(f"{self.alias}-initial", {**body, "aliases": {self.alias: {}}})
        except SearchError as err:
            if "resource_already_exists" not in str(err):
                raise

    def _new_index(self, refresh_interval: str = "1s") -> str:
        concrete = f"{self.alias}-{now():%Y%m%d%H%M%S%f}"
        body = index_body(
            refresh_interval=refresh_interval,
            distribution=self._client.distribution,
            shards=self._shards,
            replicas=self._replicas,
        )
        self._client.create_index(concrete, body)
        return concrete

    # -- writing ---------------------------------------------------------------------------------

    def _need_writer(self) -> None:
        if not self._writer:
            raise SearchError("this backend was opened read-only (writer=False)")

    def index(self, documents: list[Document]) -> None:
        self._need_writer()
        # Convert everything first: a bad document fails the batch before anything is sent.
        actions = [
            {"_index": self._target, "_id": doc.id, "_source": self._source_of(doc)} for doc in documents
        ]
        self._client.bulk(actions)

    def _source_of(self, doc: Document) -> Json:
        source = to_source(doc)
        if doc.annotations.passages and (self._vectors_mapped or self._rebuilding is not None):
            source["passages"] = passages_source(doc, self._client.distribution)
        return source

    def delete(self, ids: list[str]) -> None:
        self._need_writer()
        self._client.bulk({"_op_type": "delete", "_index": self._target, "_id": i} for i in ids)

    def commit(self) -> None:
        self._need_writer()
        self._client.refresh(self._target)

    def refresh(self) -> None:
        """Searches see each refresh of the cluster: nothing to do."""

    def clear(self) -> None:
        """Swap in an empty index (no delete-by-query: that needs the engine's reindex module)."""
        self._need_writer()
        if self._rebuilding is not None:
            self._client.delete_index(self._rebuilding)
            self._rebuilding = self._target = self._new_index()
            return
        self.start_rebuild()
        self.finish_rebuild()

    def start_rebuild(self) -> None:
        self._need_writer()
        # Nobody searches the index being built: no periodic refresh until it goes live.
        self._rebuilding = self._target = self._new_index(refresh_interval="-1")

    def finish_rebuild(self) -> None:
        if self._rebuilding is None:
            raise SearchError("finish_rebuild without start_rebuild")
        fresh, self._rebuilding, self._target = self._rebuilding, None, self.alias
        self._client.put_settings(fresh, {"index": {"refresh_interval": "1s"}})
        self._client.refresh(fresh)
        old = self._client.alias_targets(self.alias)
        actions: list[Json] = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        self._client.update_aliases([*actions, {"add": {"index": fresh, "alias": self.alias}}])
        for name in old:
            self._client.delete_index(name)

    def close(self) -> None:
        if self._rebuilding is not None:  # an abandoned rebuild never goes live
            self._client.delete_index(self._rebuilding)
            self._rebuilding = None
        self._client.close()

    # -- reading ---------------------------------------------------------------------------------

    def count(self) -> int:
        try:
            return self._client.count(self.alias)
        except NotFound:
            return 0

    def _query(self, request: SearchRequest) -> tuple[Json, Json | None]:
        """(query with filters, query to highlight)."""
        node = parse(request.query) if request.tree is None else request.tree
        main = translate(node)
        restrict = filters(request)
        excluded = excluded_ids(request)
        if request.only_ids is not None:
            restrict = [*restrict, {"terms": {"id": sorted(request.only_ids)}}]
        if restrict or excluded:
            query: Json = {"bool": {"must": [main], "filter": restrict, "must_not": excluded}}
        else:
            query = main
        positive = positive_part(node)
        return query, (translate(positive) if positive is not None else None)

    def _search(self, body: Json) -> Json:
        try:
            return self._client.search(self.alias, body)
        except NotFound:
            return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}

    def search(self, request: SearchRequest) -> SearchResult:
        if request.mode != "keyword":
            return search_by_meaning(self, request)
        started = time.perf_counter()
        if request.offset < 0 or request.limit < 0:
            raise SearchError("offset and limit must not be negative")
        if request.search_after is None and request.offset + request.limit > MAX_WINDOW:
            raise SearchError(f"offset + limit may not exceed {MAX_WINDOW}; use search_after to go deeper")
        if request.search_after is not None and request.collapse_threads:
            raise SearchError("search_after and collapse_threads cannot be combined")
        clock = StageClock()
        query, highlight_query = self._query(request)
        facet_fields = [_facet_field(f) for f in request.facets]
        with_highlights = request.highlight and highlight_query is not None
        body: Json = {
            "query": query,
            "size": request.limit,
            "sort": _SORTS[request.sort],
            "track_total_hits": True,
            "_source": [*list(STORED_FIELDS), "text"] if with_highlights else list(STORED_FIELDS),
            "aggs": facet_aggs(facet_fields, request.facet_size),
        }
        if request.sort == "relevance":
            body["track_scores"] = True
        if request.search_after is not None:
            body["search_after"] = request.search_after
        else:
            body["from"] = request.offset
        if with_highlights and highlight_query is not None:
            body["highlight"] = highlight_spec(highlight_query)
        if request.collapse_threads:
            body["collapse"] = {"field": "thread_key", "inner_hits": {"name": "thread", "size": 0}}
        clock.lap("compile")
        answer = self._search(body)
        clock.lap("request")
        # The engine's own time ("took") inside the round trip; the rest is HTTP and JSON.
        engine = min(float(answer.get("took", 0)), clock.timings["request"])
        clock.timings["request"] -= engine
        hits = [self._hit(raw, request) for raw in answer["hits"]["hits"]]
        next_cursor = encode_cursor(hits[-1].sort) if hits and len(hits) == request.limit else None
        counts = parse_facets(answer.get("aggregations", {}), facet_fields)
        clock.lap("results")
        return SearchResult(
            total=int(answer["hits"]["total"]["value"]),
            hits=hits,
            facets=counts,
            took_ms=(time.perf_counter() - started) * 1000,
            next_cursor=next_cursor,
            timings={"engine": engine, **clock.timings},
        )

    @staticmethod
    def _hit(raw: Json, request: SearchRequest) -> Hit:
        thread = raw.get("inner_hits", {}).get("thread", {}).get("hits", {}).get("total", {}).get("value", 1)
        return Hit(
            id=str(raw["_id"]),
            score=float(raw.get("_score") or 0.0) if request.sort == "relevance" else 0.0,
            fields=from_source(raw.get("_source", {})),
            highlights=highlights(raw) if request.highlight else [],
            sort=list(raw.get("sort", [])),
            thread_hits=max(0, int(thread) - 1) if request.collapse_threads else 0,
        )

    def histogram(self, request: SearchRequest, interval: Interval) -> list[HistogramBucket]:
        query, _ = self._query(request)
        answer = self._search({"query": query, "size": 0, "aggs": histogram_aggs(interval)})
        return parse_histogram(answer.get("aggregations", {}))

    # -- similar documents -----------------------------------------------------------------------

    def _source(self, doc_id: str) -> Json:
        answer = self._search(
            {"query": {"term": {"id": doc_id}}, "size": 1, "_source": ["sha256", "simhash", "simhash_band"]}
        )
        found = answer["hits"]["hits"]
        if not found:
            raise SearchError(f"no document {doc_id!r} in the index")
        return dict(found[0]["_source"])

    def _hits(self, query: Json, limit: int) -> list[Hit]:
        body = {"query": query, "size": limit, "_source": [*STORED_FIELDS, "simhash"]}
        plain = SearchRequest(highlight=False)
        return [self._hit(raw, plain) for raw in self._search(body)["hits"]["hits"]]

    def more_like_this(self, doc_id: str, limit: int = 10) -> list[Hit]:
        self._source(doc_id)  # a clear error for an unknown id
        concrete = self._client.alias_targets(self.alias)
        like = [{"_index": concrete[0], "_id": doc_id}] if concrete else []
        query = {
            "more_like_this": {
                "fields": _MLT_FIELDS,
                "like": like,
                "min_term_freq": 1,
                "min_doc_freq": 1,
                "max_query_terms": 25,
                "minimum_should_match": "10%",
            }
        }
        return self._hits({"bool": {"must": [query], "must_not": [{"term": {"id": doc_id}}]}}, limit)

    def nearest_passages(self, vector: list[float], k: int) -> list[PassageMatch]:
        distribution = self._client.distribution
        return parse_nearest(self._search(nearest_body(vector, k, distribution)), distribution)

    def duplicates(self, doc_id: str) -> list[Hit]:
        sha = self._source(doc_id)["sha256"]
        query = {"bool": {"filter": [{"term": {"sha256": sha}}], "must_not": [{"term": {"id": doc_id}}]}}
        return sorted(self._hits(query, MAX_WINDOW), key=lambda h: h.id)

    def near_duplicates(self, doc_id: str) -> list[Hit]:
        signature = self._source(doc_id).get("simhash")
        if not signature:
            return []
        mine = int(signature, 16)
        query = {
            "bool": {
                "filter": [{"terms": {"simhash_band": bands(mine)}}],
                "must_not": [{"term": {"id": doc_id}}],
            }
        }
        body = {"query": query, "size": MAX_WINDOW, "_source": [*STORED_FIELDS, "simhash"]}
        found: list[tuple[int, Hit]] = []
        plain = SearchRequest(highlight=False)
        for raw in self._search(body)["hits"]["hits"]:
            distance = hamming(mine, int(raw["_source"]["simhash"], 16))
            if distance <= NEAR_DUPLICATE_BITS:
                found.append((distance, self._hit(raw, plain)))
        return [hit for _, hit in sorted(found, key=lambda pair: (pair[0], pair[1].id))]


def _facet_field(name: str) -> str:
    field = resolve_field(name)
    if field is None:
        raise SearchError(f"cannot facet on unknown field {name!r}")
    return field


def cluster_auth(settings: Settings) -> ClusterAuth:
    """The cluster credentials and TLS settings of `settings`."""
    return ClusterAuth(
        username=settings.cluster_username,
        password=settings.cluster_password.get_secret_value(),
        api_key=settings.cluster_api_key.get_secret_value(),
        ca_certs=settings.cluster_ca_certs,
        verify_certs=settings.cluster_verify_certs,
    )


@register_backend("cluster")
def open_cluster(settings: Settings, *, writer: bool) -> ClusterBackend:
    """The Elasticsearch/OpenSearch index (an alias) at ``settings.cluster_url``; waits up to
    ``cluster_connect_timeout`` seconds for a cluster that is not reachable yet."""
    return ClusterBackend(
        settings.cluster_url,
        settings.cluster_index,
        writer=writer,
        auth=cluster_auth(settings),
        wait_seconds=settings.cluster_connect_timeout,
        shards=settings.cluster_shards,
        replicas=settings.cluster_replicas,
    )
