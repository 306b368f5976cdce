"""What the API adds for search by meaning: the query's vector and a document's vector.

The index never embeds (`index.semantic` receives vectors); the API embeds the user's
words with the same multilingual encoder that embedded the passages at ingestion
(`nlp.embedding`), so an English query lands near Italian passages and vice versa.
"""

from __future__ import annotations

import logging

import numpy as np

from core.document import Document
from core.vectors import decode_vectors
from index.backend import BackendUnavailable, Hit, SearchBackend, SearchRequest
from index.semantic import QueryPlan, RequestedMode, plan_query
from nlp.embedding import DIMENSIONS, embed
from nlp.errors import ModelNotAvailableError

__all__ = ["document_vector", "planned_request", "similar_by_meaning"]

log = logging.getLogger("faldone.api")


def _vector(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in embed([text])[0])


def planned_request(query: str, mode: RequestedMode, request: SearchRequest) -> SearchRequest:
    """`request` with the mode, keyword part and vector of `query` (see `index.semantic.plan_query`).

    With ``mode="auto"`` and no encoder installed, the query stays a keyword query;
    a mode asked for explicitly raises `BackendUnavailable` (503) instead.
    """
    plan: QueryPlan = plan_query(query, mode)
    if plan.mode == "keyword":
        request.query = plan.keyword
        return request
    try:
        vector = _vector(plan.meaning)
    except ModelNotAvailableError as err:
        if mode == "auto" and not query.lstrip().startswith("~"):
            log.warning("search by meaning is off: %s", err)
            return request
        raise BackendUnavailable(f"search by meaning is not available: {err}") from err
    request.query = plan.keyword
    request.mode = plan.mode
    request.vector = vector
    return request


def document_vector(doc: Document) -> tuple[float, ...] | None:
    """The mean of a document's passage vectors, normalised (None: no passages)."""
    if not doc.annotations.passages:
        return None
    mean = decode_vectors([p.vector for p in doc.annotations.passages], DIMENSIONS).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return tuple(float(x) for x in mean / norm) if norm > 0 else None


def similar_by_meaning(backend: SearchBackend, doc: Document, limit: int) -> list[Hit]:
    """Documents closest in meaning to `doc` (itself left out), in any language; `backend` scopes."""
    vector = document_vector(doc)
    if vector is None:
        return []
    request = SearchRequest(
        mode="semantic", vector=vector, limit=limit, highlight=True, exclude_ids=frozenset({doc.id})
    )
    return backend.search(request).hits
