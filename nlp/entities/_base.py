"""Shared helpers of the entity finders: the finder protocol, context cues, span priority."""

from __future__ import annotations

import re
from typing import Protocol

from core.document import Entity

__all__ = ["Finder", "collapse", "context_before", "make_entity"]


class Finder(Protocol):
    """Finds entities of one family in a text; offsets index that same text."""

    def __call__(self, text: str) -> list[Entity]: ...


_SPACES = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Collapse runs of whitespace (including form feeds) to one space."""
    return _SPACES.sub(" ", text).strip()


def context_before(text: str, start: int, width: int = 30) -> str:
    """The `width` characters before `start`, lower-cased, for cue matching."""
    return text[max(0, start - width) : start].lower()


def make_entity(label: str, text: str, start: int, end: int, value: str, source: str = "pattern") -> Entity:
    """An `Entity` whose `text` is the exact slice `text[start:end]`."""
    return Entity(label=label, text=text[start:end], value=value, start=start, end=end, source=source)
