"""Passage vectors on the cluster: a nested ``passages`` field of each document.

- **Elasticsearch 8**: ``passages.vector`` is the engine's own ``dense_vector`` (cosine,
  HNSW); the nearest passages come from a ``knn`` search on the nested field, which
  answers with documents ranked by their best passage and that passage as inner hit.
- **OpenSearch 2**: its vector field (``knn_vector``) belongs to the k-NN plugin, which
  is not part of a node built from the Maven Central jars (``tests/services/opensearch``:
  server, netty4, analysis-common, painless, mapper-extras). Without it, the passage's
  int8 vector is kept as ``binary`` doc values and a ``script_score`` (painless) computes
  the cosine of every passage, inside a ``nested`` query with ``score_mode: max``. It is
  exact but costs a scan of every passage per query: on a large OpenSearch archive, the
  k-NN plugin is the way (not done here).

Either way the answer is unfiltered, as `SearchBackend.nearest_passages` says:
`index.semantic` checks every document against the request's filters and scope.
"""

from __future__ import annotations

from typing import Any

from core.document import Document
from core.vectors import decode_vector
from index.backend import PassageMatch

__all__ = ["MAX_K", "nearest_body", "parse_nearest", "passages_mapping", "passages_source"]

Json = dict[str, Any]
DIMENSIONS = 512
MAX_K = 10_000  # Elasticsearch's largest num_candidates; also the engines' result window
_TEXT_CHARS = 400

# Cosine of the query with a passage's int8 vector (renormalised), plus 1 (scores must be >= 0).
_COSINE = """
BytesRef b = doc['passages.vec'].value;
double dot = 0; double norm = 0;
int n = params.q.size();
for (int i = 0; i < n; i++) { double x = b.bytes[b.offset + i]; dot += x * params.q[i]; norm += x * x; }
return norm == 0 ? 0 : 1 + dot / Math.sqrt(norm);
"""


def passages_mapping(distribution: str) -> Json:
    """The nested ``passages`` field of the index mapping."""
    vector: Json
    if distribution == "elasticsearch":
        vector = {
            "vector": {"type": "dense_vector", "dims": DIMENSIONS, "index": True, "similarity": "cosine"}
        }
    else:
        vector = {"vec": {"type": "binary", "doc_values": True}}
    return {
        "type": "nested",
        "properties": {"page": {"type": "integer"}, "text": {"type": "text", "index": False}, **vector},
    }


def passages_source(doc: Document, distribution: str) -> list[Json]:
    """The ``passages`` of `doc`'s JSON document."""
    text = doc.text
    out: list[Json] = []
    for passage in doc.annotations.passages:
        item: Json = {
            "page": passage.page,
            "text": " ".join(text[passage.start : passage.end].split())[:_TEXT_CHARS],
        }
        if distribution == "elasticsearch":
            item["vector"] = [round(float(x), 5) for x in decode_vector(passage.vector)]
        else:
            item["vec"] = passage.vector  # base64 of the int8 vector: what a binary field takes
        out.append(item)
    return out


def nearest_body(vector: list[float], k: int, distribution: str) -> Json:
    """A search for the `k` documents whose best passage is nearest to `vector`."""
    k = max(1, min(k, MAX_K))
    inner: Json = {"size": 1, "_source": {"excludes": ["passages.vector", "passages.vec"]}}
    if distribution == "elasticsearch":
        return {
            "knn": {
                "field": "passages.vector",
                "query_vector": vector,
                "k": k,
                "num_candidates": min(MAX_K, max(100, 2 * k)),
                "inner_hits": inner,
            },
            "size": k,
            "_source": False,
        }
    return {
        "query": {
            "nested": {
                "path": "passages",
                "score_mode": "max",
                "query": {
                    "script_score": {
                        "query": {"exists": {"field": "passages.vec"}},
                        "script": {"source": _COSINE, "params": {"q": vector}},
                    }
                },
                "inner_hits": inner,
            }
        },
        "size": k,
        "_source": False,
    }


def parse_nearest(answer: Json, distribution: str) -> list[PassageMatch]:
    """The best passage of each document of a `nearest_body` answer, most similar first."""
    matches: list[PassageMatch] = []
    for raw in answer.get("hits", {}).get("hits", []):
        inner = raw.get("inner_hits", {}).get("passages", {}).get("hits", {}).get("hits", [])
        if not inner:
            continue
        best = inner[0]
        source = best.get("_source", {})
        score = float(best.get("_score") or raw.get("_score") or 0.0)
        # Elasticsearch's cosine score is (1 + cos) / 2; ours (OpenSearch script) is 1 + cos.
        cosine = 2 * score - 1 if distribution == "elasticsearch" else score - 1
        matches.append(
            PassageMatch(
                doc_id=str(raw["_id"]),
                page=int(source.get("page", 1)),
                text=str(source.get("text", "")),
                score=cosine,
            )
        )
    return matches
