"""Legal holds: matters that keep documents from being deleted or expired.

A matter names its documents explicitly, by a query, or both. Explicit documents
are listed in `legal_hold_items`; when a matter is created with a query, the
documents matching it at that moment are listed there too (a snapshot), and the
query keeps catching documents that arrive later. A hold covers the whole family
of a document (an e-mail with its attachments, an archive with its members): the
unit that retention and deletion remove. Only an explicit release lifts a hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.clock import utcnow
from core.models import DocumentRow, HoldItemRow, MatterRow
from index.backend import SearchRequest
from legal.errors import LegalError, Missing, StateConflict

if TYPE_CHECKING:
    from core.catalog import Catalog
    from index.backend import SearchBackend

__all__ = [
    "HoldError",
    "HoldItemRow",
    "Holds",
    "Matter",
    "MatterExists",
    "MatterNotFound",
    "MatterReleased",
    "MatterRow",
    "UnknownDocuments",
]

_PAGE = 500
MAX_SNAPSHOT = 100_000


class HoldError(LegalError):
    """A hold request that cannot be honoured (unknown matter, empty matter, name taken)."""


class MatterNotFound(Missing, HoldError):
    pass


class MatterExists(StateConflict, HoldError):
    pass


class MatterReleased(StateConflict, HoldError):
    pass


class UnknownDocuments(Missing, HoldError):
    pass


@dataclass(frozen=True)
class Matter:
    id: int
    name: str
    description: str
    custodian: str
    query: str
    created_by: str
    created_at: datetime
    released_at: datetime | None
    released_by: str
    release_reason: str
    documents: int = 0

    @property
    def active(self) -> bool:
        return self.released_at is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "custodian": self.custodian,
            "query": self.query,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "active": self.active,
            "released_at": self.released_at.isoformat() if self.released_at else None,
            "released_by": self.released_by,
            "release_reason": self.release_reason,
            "documents": self.documents,
        }


def _matter(row: MatterRow, documents: int = 0) -> Matter:
    return Matter(
        row.id,
        row.name,
        row.description,
        row.custodian,
        row.query,
        row.created_by,
        row.created_at,
        row.released_at,
        row.released_by,
        row.release_reason,
        documents,
    )


def matching_ids(backend: SearchBackend, query: str, limit: int = MAX_SNAPSHOT) -> list[tuple[str, str]]:
    """(id, root_id) of every document matching `query`, up to `limit`."""
    found: list[tuple[str, str]] = []
    offset = 0
    while len(found) < limit:
        request = SearchRequest(query=query, offset=offset, limit=_PAGE, highlight=False, sort="date_asc")
        hits = backend.search(request).hits
        found += [(h.id, str(h.fields.get("root_id") or h.id)) for h in hits]
        if len(hits) < _PAGE:
            break
        offset += _PAGE
    return found[:limit]


class Holds:
    """Matters and the documents they hold. `backend` must be unscoped: holds bind everyone."""

    def __init__(self, catalog: Catalog, backend: SearchBackend | None = None) -> None:
        self.catalog = catalog
        self.backend = backend

    def create(
        self,
        name: str,
        *,
        created_by: str,
        description: str = "",
        custodian: str = "",
        query: str = "",
        document_ids: Iterable[str] = (),
    ) -> Matter:
        name, query = name.strip(), query.strip()
        ids = list(dict.fromkeys(d.strip() for d in document_ids if d.strip()))
        if not name:
            raise HoldError("a matter needs a name")
        if not query and not ids:
            raise HoldError("a matter needs a query or explicit documents")
        snapshot: list[tuple[str, str]] = []
        if query:
            if self.backend is None:
                raise HoldError("holds by query need the search index")
            self.backend.refresh()
            snapshot = matching_ids(self.backend, query)
        with self.catalog.session() as s, s.begin():
            if s.scalars(select(MatterRow.id).where(MatterRow.name == name)).first() is not None:
                raise MatterExists(f"a matter named {name!r} exists")
            roots = dict(
                s.execute(select(DocumentRow.id, DocumentRow.root_id).where(DocumentRow.id.in_(ids))).all()
            )
            missing = [d for d in ids if d not in roots]
            if missing:
                raise UnknownDocuments(f"unknown documents: {', '.join(missing[:10])}")
            row = MatterRow(
                name=name,
                description=description,
                custodian=custodian,
                query=query,
                created_by=created_by,
                created_at=utcnow(),
            )
            s.add(row)
            s.flush()
            now = utcnow()
            items = {d: roots[d] for d in ids}
            items.update(dict(snapshot))
            for doc_id, root in items.items():
                s.add(HoldItemRow(matter_id=row.id, document_id=doc_id, root_id=root, added_at=now))
            return _matter(row, len(items))

    def add_documents(self, matter_id: int, document_ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(document_ids))
        with self.catalog.session() as s, s.begin():
            matter = s.get(MatterRow, matter_id)
            if matter is None or matter.released_at is not None:
                raise MatterNotFound(f"no active matter {matter_id}")
            roots = dict(
                s.execute(select(DocumentRow.id, DocumentRow.root_id).where(DocumentRow.id.in_(ids))).all()
            )
            missing = [d for d in ids if d not in roots]
            if missing:
                raise UnknownDocuments(f"unknown documents: {', '.join(missing[:10])}")
            known = set(s.scalars(select(HoldItemRow.document_id).where(HoldItemRow.matter_id == matter_id)))
            added = [d for d in ids if d not in known]
            for doc_id in added:
                s.add(
                    HoldItemRow(
                        matter_id=matter_id, document_id=doc_id, root_id=roots[doc_id], added_at=utcnow()
                    )
                )
            return len(added)

    def release(self, matter_id: int, *, released_by: str, reason: str) -> Matter:
        if not reason.strip():
            raise HoldError("say why the hold is released")
        with self.catalog.session() as s, s.begin():
            row = s.get(MatterRow, matter_id)
            if row is None:
                raise MatterNotFound(f"no matter {matter_id}")
            if row.released_at is not None:
                raise MatterReleased(f"matter {row.name!r} was already released")
            row.released_at, row.released_by, row.release_reason = utcnow(), released_by, reason.strip()
            return _matter(row)

    def get(self, matter_id: int) -> Matter | None:
        with self.catalog.session() as s:
            row = s.get(MatterRow, matter_id)
            if row is None:
                return None
            count = len(list(s.scalars(select(HoldItemRow.id).where(HoldItemRow.matter_id == matter_id))))
            return _matter(row, count)

    def matters(self, *, include_released: bool = True) -> list[Matter]:
        with self.catalog.session() as s:
            stmt = select(MatterRow).order_by(MatterRow.id.desc())
            if not include_released:
                stmt = stmt.where(MatterRow.released_at.is_(None))
            rows = list(s.scalars(stmt))
            counts: dict[int, int] = {}
            for matter_id in s.scalars(select(HoldItemRow.matter_id)):
                counts[matter_id] = counts.get(matter_id, 0) + 1
            return [_matter(r, counts.get(r.id, 0)) for r in rows]

    def document_ids(self, matter_id: int) -> list[str]:
        """Documents of a matter: its listed ones plus whatever its query matches now."""
        with self.catalog.session() as s:
            row = s.get(MatterRow, matter_id)
            if row is None:
                raise MatterNotFound(f"no matter {matter_id}")
            ids = list(s.scalars(select(HoldItemRow.document_id).where(HoldItemRow.matter_id == matter_id)))
            query = row.query
        if query and self.backend is not None:
            ids += [doc_id for doc_id, _ in matching_ids(self.backend, query)]
        return list(dict.fromkeys(ids))

    def matters_holding(self, root_id: str) -> list[Matter]:
        """Active matters that hold any document of this family."""
        holding: list[Matter] = []
        with self.catalog.session() as s:
            active = list(s.scalars(select(MatterRow).where(MatterRow.released_at.is_(None))))
            listed = set(
                s.scalars(
                    select(HoldItemRow.matter_id).where(
                        (HoldItemRow.root_id == root_id) | (HoldItemRow.document_id == root_id)
                    )
                )
            )
        for row in active:
            if row.id in listed or (row.query and self._query_holds(row.query, root_id)):
                holding.append(_matter(row))
        return holding

    def held_roots(self) -> dict[str, list[str]]:
        """Every family under an active hold → names of the matters holding it."""
        held: dict[str, list[str]] = {}
        with self.catalog.session() as s:
            active = list(s.scalars(select(MatterRow).where(MatterRow.released_at.is_(None))))
            names = {m.id: m.name for m in active}
            for matter_id, root in s.execute(
                select(HoldItemRow.matter_id, HoldItemRow.root_id).where(
                    HoldItemRow.matter_id.in_(list(names))
                )
            ):
                held.setdefault(root, []).append(names[matter_id])
        for row in active:
            if row.query and self.backend is not None:
                for _, root in matching_ids(self.backend, row.query):
                    if row.name not in held.setdefault(root, []):
                        held[root].append(row.name)
        return held

    def _query_holds(self, query: str, root_id: str) -> bool:
        if self.backend is None:  # cannot tell: assume held, never delete by mistake
            return True
        request = SearchRequest(query=query, filters={"root_id": [root_id]}, limit=0, highlight=False)
        return self.backend.search(request).total > 0
