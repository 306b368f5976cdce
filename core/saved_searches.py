"""Saved searches: a name and the search page's query string, kept in the catalog database
(table `saved_searches`, see `core.models`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.clock import utcnow
from core.errors import Invalid
from core.models import SavedSearchRow

__all__ = ["MAX_NAME", "MAX_QUERY", "SavedSearch", "SavedSearches", "clean_query_string"]

# Search page parameters worth keeping; anything else (offsets, junk) is dropped.
_KEPT = ("q", "filter", "date", "sentiment", "sort", "limit")
MAX_NAME = 200
MAX_QUERY = 4000


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    query: str
    owner: str
    created_at: datetime


def clean_query_string(raw: str) -> str:
    """Keep only the search parameters, in a stable order: `?q=a&offset=20&x=1` → `q=a`."""
    pairs = [(k, v) for k, v in parse_qsl(raw.lstrip("?"), keep_blank_values=False) if k in _KEPT]
    pairs.sort(key=lambda kv: _KEPT.index(kv[0]))
    return urlencode(pairs)


def _public(row: SavedSearchRow) -> SavedSearch:
    return SavedSearch(row.id, row.name, row.query, row.owner, row.created_at)


class SavedSearches:
    """Create, list and delete saved searches on the catalog's engine."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def _session(self) -> Session:
        return self._sessions()

    def list(self, owner: str = "") -> list[SavedSearch]:
        with self._session() as s:
            rows = s.scalars(
                select(SavedSearchRow).where(SavedSearchRow.owner == owner).order_by(SavedSearchRow.name)
            )
            return [_public(r) for r in rows]

    def create(self, name: str, query: str, owner: str = "") -> SavedSearch:
        name = " ".join(name.split())[:MAX_NAME]
        if not name:
            raise Invalid("a saved search needs a name")
        row = SavedSearchRow(
            name=name,
            query=clean_query_string(query)[:MAX_QUERY],
            owner=owner,
            created_at=utcnow(),
        )
        with self._session() as s, s.begin():
            s.add(row)
            s.flush()
            return _public(row)

    def delete(self, search_id: int, owner: str = "") -> bool:
        with self._session() as s, s.begin():
            row = s.get(SavedSearchRow, search_id)
            if row is None or row.owner != owner:
                return False
            s.delete(row)
            return True
