"""Fields both backends derive from a `Document` beyond `index.fields` (kept out of that shared table).

- ``id_key``: a 63-bit hash of the id, the sort tiebreak that makes cursors
  (``search_after``) exact when dates or scores are equal (integers range-filter
  and sort on both engines; strings do not on tantivy);
- ``thread_key``: the thread id, or the document's own id when it has none, so
  that collapsing by thread leaves lone documents alone;
- ``simhash`` / ``simhash_band``: the near-duplicate signature (`index.backends.similarity`).
"""

from __future__ import annotations

import hashlib

from core.document import Document
from index.backends.similarity import signature_fields

__all__ = ["DERIVED_INT_FIELDS", "DERIVED_KEYWORD_FIELDS", "derived_fields", "id_key"]

DERIVED_KEYWORD_FIELDS: tuple[str, ...] = ("thread_key", "simhash", "simhash_band")
DERIVED_INT_FIELDS: tuple[str, ...] = ("id_key",)


def id_key(doc_id: str) -> int:
    """A stable non-negative 63-bit integer for `doc_id`."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest()) >> 1


def derived_fields(doc: Document) -> dict[str, int | str | list[str]]:
    fields: dict[str, int | str | list[str]] = {
        "id_key": id_key(doc.id),
        "thread_key": doc.thread_id or doc.id,
    }
    fields.update(signature_fields(doc.text))
    return fields
