"""What a query means, whatever the backend: the rules every backend applies alike.

These are plain functions of the query language (no search engine behind them), so
the cluster backend borrows them without importing tantivy, and the conformance
suite holds every backend to them.
"""

from __future__ import annotations

import unicodedata

from core.clock import utc
from index.query import ast

__all__ = ["STEM_LANGUAGES", "fold", "fuzzy_distance", "positive_part", "utc"]

# Document languages with stemmed variants of the text fields; a document of another
# (or no) language goes into every variant.
STEM_LANGUAGES: tuple[str, ...] = ("it", "en")


def fold(text: str) -> str:
    """Lower-case and strip accents, as the exact analyzer does (for patterns)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fuzzy_distance(word: str, distance: int | None) -> int:
    """The edits a fuzzy word allows: as given, else 0 up to 2 letters, 1 up to 5, then 2."""
    if distance is not None:
        return distance
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


def positive_part(node: ast.Node) -> ast.Node | None:
    """`node` without its negated parts: what highlights should mark."""
    if isinstance(node, ast.Not):
        return None
    if isinstance(node, ast.And | ast.Or):
        kept = [part for child in node.children if (part := positive_part(child)) is not None]
        return type(node)(tuple(kept)) if kept else None
    return node
