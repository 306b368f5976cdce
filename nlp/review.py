"""The review queue: the documents the complaint model is least sure about.

A document's uncertainty is the distance of its complaint logit from the threshold's
logit (`logit(p) - logit(threshold)`, in absolute value): 0 means the model could go
either way. The queue holds the documents closest to the threshold that nobody has
corrected yet (no "category" or "complaint" correction), so that each confirmation or
correction on the review page teaches `faldone nlp train` the most.

Documents without a language (images without text, unknown languages) are left out:
the model does not score them.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.catalog import Catalog
from core.corrections import all_corrections
from core.models import DocumentRow
from nlp.classifier import load_weights
from nlp.errors import ModelNotAvailableError

__all__ = ["ReviewItem", "corrected_documents", "review_queue", "thresholds", "uncertainty"]

_SNIPPET = 400
_BATCH = 500


@dataclass(frozen=True)
class ReviewItem:
    """A document of the queue, with what the page shows."""

    id: str
    filename: str
    title: str
    date: str | None
    language: str
    complaint: bool
    complaint_probability: float
    category: str
    sentiment: float
    uncertainty: float
    snippet: str


def thresholds(models_dir: Path | None = None) -> tuple[float, float]:
    """(complaint, likely complaint) thresholds of the weights in use; (0.5, 0.25) without a model."""
    try:
        weights = load_weights(models_dir)
    except ModelNotAvailableError:
        return 0.5, 0.25
    return float(weights.thresholds[0]), float(weights.thresholds[1])


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def uncertainty(probability: float, threshold: float) -> float:
    """0 at the threshold, growing as the probability moves away from it (logit distance)."""
    return abs(_logit(probability) - _logit(threshold))


def corrected_documents(catalog: Catalog) -> set[str]:
    """Ids of documents whose category or complaint flag a user already set."""
    return {r.document_id for r in all_corrections(catalog) if r.kind in ("category", "complaint")}


def review_queue(
    catalog: Catalog,
    *,
    limit: int = 20,
    language: str | None = None,
    models_dir: Path | None = None,
    sources: list[str] | None = None,
) -> tuple[list[ReviewItem], int]:
    """The `limit` least sure uncorrected documents, least sure first, and how many were considered.

    `sources`: only documents of these sources (a user's scope); None for all.
    """
    threshold, _ = thresholds(models_dir)
    skip = corrected_documents(catalog)
    heap: list[tuple[float, str, ReviewItem]] = []
    considered = 0
    query = select(DocumentRow.id, DocumentRow.language, DocumentRow.data).where(DocumentRow.language != "")
    if language:
        query = query.where(DocumentRow.language == language)
    if sources is not None:
        query = query.where(DocumentRow.source.in_(sources))
    with catalog.session() as session:
        for doc_id, lang, stored in session.execute(query.execution_options(yield_per=_BATCH)):
            if doc_id in skip:
                continue
            data: dict[str, Any] = stored
            ann: dict[str, Any] = data.get("annotations") or {}
            probability = float(ann.get("complaint_probability") or 0.0)
            considered += 1
            score = uncertainty(probability, threshold)
            if len(heap) >= limit and -heap[0][0] <= score:
                continue
            item = _item(doc_id, lang, data, ann, probability, score)
            entry = (-score, doc_id, item)
            if len(heap) < limit:
                heapq.heappush(heap, entry)
            else:
                heapq.heapreplace(heap, entry)
    items = [entry[2] for entry in sorted(heap, key=lambda e: (-e[0], e[1]))]
    return items, considered


def _item(
    doc_id: str,
    language: str,
    data: dict[str, Any],
    ann: dict[str, Any],
    probability: float,
    score: float,
) -> ReviewItem:
    email = data.get("email") or {}
    subject = str(email.get("subject") or "")
    pages = data.get("pages") or []
    text = " ".join(str(p.get("text", "")) for p in pages[:2])
    return ReviewItem(
        id=doc_id,
        filename=str(data.get("filename") or ""),
        title=subject or str(data.get("title") or ""),
        date=str(data["date"]) if data.get("date") else None,
        language=language,
        complaint=bool(ann.get("complaint")),
        complaint_probability=round(probability, 4),
        category=str(ann.get("category") or ""),
        sentiment=float(ann.get("sentiment") or 0.0),
        uncertainty=round(score, 4),
        snippet=" ".join(text.split())[:_SNIPPET],
    )
