"""CODICE_FISCALE: Italian personal tax codes, validated with `stdnum.it.codicefiscale`.

Only the 16-character personal form is searched; the 11-digit form of companies
is a partita IVA and is found by `partita_iva`.
"""

from __future__ import annotations

import re

from stdnum.it import codicefiscale as _cf

from core.document import Entity
from nlp.entities._base import make_entity

__all__ = ["find_codici_fiscali"]

# Omocodia replaces digits by the letters LMNPQRSTUV, so digit positions accept them too.
_D = "[0-9LMNPQRSTUVlmnpqrstuv]"
_CF = re.compile(
    rf"(?<![A-Za-z0-9])[A-Za-z]{{6}}{_D}{{2}}[A-Za-z]{_D}{{2}}[A-Za-z]{_D}{{3}}[A-Za-z](?![A-Za-z0-9])"
)


def find_codici_fiscali(text: str) -> list[Entity]:
    """Every personal codice fiscale in `text` whose control character is right."""
    found: list[Entity] = []
    for match in _CF.finditer(text):
        code = match.group().upper()
        if _cf.is_valid(code):
            found.append(make_entity("CODICE_FISCALE", text, match.start(), match.end(), code))
    return found
