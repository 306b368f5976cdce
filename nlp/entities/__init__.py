"""Entities: validated patterns, Italian name rules and English spaCy NER.

One module per family; each exposes a `find_*(text) -> list[Entity]` finder.
`find_pattern_entities` runs every pattern and rule finder on a whole text;
`merge_entities` resolves overlaps, preferring validated patterns over rules and
rules over statistical NER, and within a source the more specific label and
then the longer span.
"""

from __future__ import annotations

import bisect

from core.document import Entity
from nlp.entities._base import Finder
from nlp.entities.codice_fiscale import find_codici_fiscali
from nlp.entities.dates import find_dates
from nlp.entities.email import find_emails
from nlp.entities.iban import find_ibans
from nlp.entities.money import find_money
from nlp.entities.names import find_italian_organisations, find_italian_persons
from nlp.entities.ner import entities_from_doc, load_english_ner
from nlp.entities.partita_iva import find_partite_iva
from nlp.entities.phone import find_phones
from nlp.entities.reference import find_references

__all__ = [
    "PATTERN_FINDERS",
    "Finder",
    "entities_from_doc",
    "find_pattern_entities",
    "load_english_ner",
    "merge_entities",
]

PATTERN_FINDERS: tuple[Finder, ...] = (
    find_emails,
    find_ibans,
    find_codici_fiscali,
    find_partite_iva,
    find_money,
    find_dates,
    find_phones,
    find_references,
    find_italian_organisations,
    find_italian_persons,
)

_SOURCE_RANK = {"pattern": 0, "gazetteer": 1, "rule": 2, "spacy": 3}
# Checksummed identifiers first: a valid IBAN is never "really" a phone number.
_LABEL_RANK = {
    "IBAN": 0,
    "CODICE_FISCALE": 0,
    "PARTITA_IVA": 0,
    "EMAIL": 0,
    "MONEY": 1,
    "DATE": 1,
    "PHONE": 2,
    "REFERENCE": 3,
}


def find_pattern_entities(text: str) -> list[Entity]:
    """Every pattern and rule entity of `text`, overlaps not yet resolved."""
    return [entity for finder in PATTERN_FINDERS for entity in finder(text)]


def merge_entities(entities: list[Entity]) -> list[Entity]:
    """Non-overlapping entities sorted by offset; on overlap the higher-ranked one stays."""
    ranked = sorted(
        entities,
        key=lambda e: (
            _SOURCE_RANK.get(e.source, 4),
            _LABEL_RANK.get(e.label, 5),
            -(e.end - e.start),
            e.start,
        ),
    )
    # Kept spans never overlap, so sorted by start they are sorted by end too.
    starts: list[int] = []
    kept: list[Entity] = []
    for entity in ranked:
        if entity.end <= entity.start:
            continue
        i = bisect.bisect_right(starts, entity.start)
        if i > 0 and kept[i - 1].end > entity.start:
            continue
        if i < len(kept) and kept[i].start < entity.end:
            continue
        starts.insert(i, entity.start)
        kept.insert(i, entity)
    return kept
