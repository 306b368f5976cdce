"""PARTITA_IVA: Italian VAT numbers, validated with `stdnum.it.iva`.

Eleven digits are common (phone numbers, codes, amounts), so a bare number is
accepted only with an "IT" prefix or a cue just before it ("P.IVA", "partita IVA",
"VAT", "C.F./P.IVA"). The value is "IT" followed by the eleven digits.
"""

from __future__ import annotations

import re

from stdnum.it import iva as _iva

from core.document import Entity
from nlp.entities._base import context_before, make_entity

__all__ = ["find_partite_iva"]

_NUMBER = re.compile(r"(?<![A-Za-z0-9/.,-])(IT ?)?(\d{11})(?!\d|[/-]\w|[.,]\d)")
_CUE = re.compile(
    r"p\.? ?iva|partita iva|partita i\.v\.a\.|p\. ?i\.|\bvat\b|\bc\.? ?f\.|codice fiscale|cod\. ?fisc|\biva\b"
)


def find_partite_iva(text: str) -> list[Entity]:
    """Every partita IVA in `text` that has a valid check digit and an IT prefix or a cue."""
    found: list[Entity] = []
    for match in _NUMBER.finditer(text):
        digits = match.group(2)
        if not _iva.is_valid(digits):
            continue
        has_prefix = match.group(1) is not None
        if not has_prefix and not _CUE.search(context_before(text, match.start(), 30)):
            continue
        found.append(make_entity("PARTITA_IVA", text, match.start(), match.end(), "IT" + digits))
    return found
