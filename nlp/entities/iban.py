"""IBAN: validated with `stdnum.iban` (check digits, country length and structure).

Groups of four separated by single spaces are accepted ("IT60 X054 2811 ...");
the value is the compact upper-case form.
"""

from __future__ import annotations

import re

from stdnum import iban as _iban

from core.document import Entity
from nlp.entities._base import make_entity

__all__ = ["IBAN_SHAPE", "find_ibans"]

# A loose IBAN shape; `find_ibans` trims trailing groups until the checksum holds.
IBAN_SHAPE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,9}(?![A-Za-z0-9])")
_GROUP_END = re.compile(r"[A-Z0-9](?= |$)")


def find_ibans(text: str) -> list[Entity]:
    """Every IBAN in `text` whose check digits and structure are valid."""
    found: list[Entity] = []
    for match in IBAN_SHAPE.finditer(text):
        candidate = match.group()
        # The greedy shape may swallow a following code ("... 456 SWIFT12"): try shorter ends.
        ends = sorted((m.end() for m in _GROUP_END.finditer(candidate)), reverse=True)
        for end in ends:
            compact = candidate[:end].replace(" ", "")
            if len(compact) < 15:
                break
            if _iban.is_valid(compact):
                start = match.start()
                found.append(make_entity("IBAN", text, start, start + end, compact))
                break
    return found
