"""Typed syntax tree of Faldone's query language.

`index.query.parser.parse` turns the user's text into these nodes; each backend
translates them into its own engine's query objects. Field names in the tree
are always canonical index fields (aliases are resolved by the parser), and
values of date, number and boolean fields are already converted and checked.
A `field` of ``None`` means "the default text fields" (title, subject, text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "And",
    "Exists",
    "Flag",
    "Fuzzy",
    "MatchAll",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Prefix",
    "Range",
    "RangeValue",
    "Term",
    "Wildcard",
]

RangeValue = datetime | float | int


@dataclass(frozen=True)
class MatchAll:
    """Every document (the empty query, or ``*``)."""


@dataclass(frozen=True)
class Term:
    """One word; analysed (stemmed) unless `exact`. On a keyword field: the whole value."""

    text: str
    field: str | None = None
    exact: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words in order; `slop` > 0 allows that many positions of play (proximity)."""

    text: str
    field: str | None = None
    exact: bool = False
    slop: int = 0


@dataclass(frozen=True)
class Prefix:
    """Words that start with `prefix` (never stemmed)."""

    prefix: str
    field: str | None = None


@dataclass(frozen=True)
class Wildcard:
    """Words matching `pattern`: ``*`` is any run of characters, ``?`` exactly one."""

    pattern: str
    field: str | None = None


@dataclass(frozen=True)
class Fuzzy:
    """Words within `distance` edits of `text`; ``None`` lets the backend pick by length."""

    text: str
    distance: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class Range:
    """Values of a date or number field between bounds; a ``None`` bound is open."""

    field: str
    lower: RangeValue | None = None
    upper: RangeValue | None = None
    include_lower: bool = True
    include_upper: bool = True


@dataclass(frozen=True)
class Flag:
    """A boolean field equal to `value`."""

    field: str
    value: bool


@dataclass(frozen=True)
class Exists:
    """Documents that have any value in `field` (``field:*``)."""

    field: str


@dataclass(frozen=True)
class And:
    """All children match (a `Not` child excludes)."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """At least one child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """Documents that do not match `child`."""

    child: Node


Node = MatchAll | Term | Phrase | Prefix | Wildcard | Fuzzy | Range | Flag | Exists | And | Or | Not
