"""Corrections made by users to a document's annotations, kept in the catalog.

A correction is (document id, kind, value, user, time). Kinds and their values:

- ``category``: a category name, e.g. ``"invoice_payment"``
- ``complaint``: ``true`` or ``false``
- ``entity_add``: ``{"label": "ORG", "value": "Rossi S.r.l.", "text": "Rossi srl"}``
- ``entity_remove``: ``{"label": "PERSON", "value": "Gentile Cliente"}``
- ``field``: a key field of an invoice or receipt, ``{"name": "total", "value": "1234.56"}``
- ``doc_type``: the document type, e.g. ``"receipt"``

They are never deleted by reprocessing: the worker re-applies them after NLP
(`nlp.corrections.apply_corrections`), and `faldone nlp train` learns from them.
Validation of values is NLP's business (`nlp.corrections.validate_correction`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.catalog import Catalog, utcnow
from core.errors import Invalid
from core.models import CorrectionRow

__all__ = [
    "KINDS",
    "CorrectionRecord",
    "add_correction",
    "all_corrections",
    "corrections_for",
]

KINDS = ("category", "complaint", "entity_add", "entity_remove", "field", "doc_type")


@dataclass(frozen=True)
class CorrectionRecord:
    """A stored correction, as plain data."""

    id: int
    document_id: str
    kind: str
    value: Any
    user: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document_id": self.document_id,
            "kind": self.kind,
            "value": self.value,
            "user": self.user,
            "created_at": self.created_at.isoformat(),
        }


def _record(row: CorrectionRow) -> CorrectionRecord:
    return CorrectionRecord(row.id, row.document_id, row.kind, row.value, row.user, row.created_at)


def add_correction(
    catalog: Catalog, document_id: str, kind: str, value: Any, user: str = ""
) -> CorrectionRecord:
    """Store a correction (already validated) and return it."""
    if kind not in KINDS:
        raise Invalid(f"unknown correction kind {kind!r}")
    with catalog.session() as session, session.begin():
        row = CorrectionRow(document_id=document_id, kind=kind, value=value, user=user, created_at=utcnow())
        session.add(row)
        session.flush()
        return _record(row)


def corrections_for(catalog: Catalog, document_ids: Iterable[str]) -> dict[str, list[CorrectionRecord]]:
    """Corrections of these documents, oldest first, by document id (documents without any are absent)."""
    ids = list(dict.fromkeys(document_ids))
    found: dict[str, list[CorrectionRecord]] = defaultdict(list)
    if not ids:
        return found
    with catalog.session() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = session.scalars(
                select(CorrectionRow)
                .where(CorrectionRow.document_id.in_(chunk))
                .order_by(CorrectionRow.created_at, CorrectionRow.id)
            )
            for row in rows:
                found[row.document_id].append(_record(row))
    return found


def all_corrections(catalog: Catalog) -> list[CorrectionRecord]:
    """Every correction, oldest first (for training)."""
    with catalog.session() as session:
        rows = session.scalars(select(CorrectionRow).order_by(CorrectionRow.created_at, CorrectionRow.id))
        return [_record(row) for row in rows]
