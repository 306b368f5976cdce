"""IBAN: validated with `stdnum.iban` (check digits, country length and structure).

Groups of four separated by single spaces are accepted ("IT60 X054 2811 ..."),
and so is the Italian grouping by BBAN field that bank letters print
("IT 33 I 03069 09400 100000008489": CIN, ABI, CAB, account); the value is the
compact upper-case form.
"""

from __future__ import annotations

import re

from stdnum import iban as _iban

from core.document import Entity
from nlp.entities._base import make_entity

__all__ = ["IBAN_FIELD_SHAPE", "IBAN_SHAPE", "find_ibans"]

# A loose IBAN shape; `find_ibans` trims trailing groups until the checksum holds.
IBAN_SHAPE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,9}(?![A-Za-z0-9])")
# Fields of any length up to 12, always separated by one space (so no backtracking blow-up).
IBAN_FIELD_SHAPE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2} ?\d{2}(?: [A-Z0-9]{1,12}){2,8}(?![A-Za-z0-9])")
_GROUP_END = re.compile(r"[A-Z0-9](?= |$)")


def find_ibans(text: str) -> list[Entity]:
    """Every IBAN in `text` whose check digits and structure are valid."""
    found: list[Entity] = []
    seen: set[int] = set()
    for match in (*IBAN_SHAPE.finditer(text), *IBAN_FIELD_SHAPE.finditer(text)):
        if match.start() in seen:
            continue
        candidate = match.group()
        # The greedy shape may swallow a following code ("... 456 SWIFT12"): try shorter ends.
        ends = sorted((m.end() for m in _GROUP_END.finditer(candidate)), reverse=True)
        for end in ends:
            compact = candidate[:end].replace(" ", "")
            if len(compact) < 15:
                break
            if len(compact) <= 34 and _iban.is_valid(compact):
                start = match.start()
                seen.add(start)
                found.append(make_entity("IBAN", text, start, start + end, compact))
                break
    return found
