"""One value per person and per company within a document, in the form users search.

`link_entities(entities)` rewrites the `value` of PERSON and ORG entities (text and
offsets stay as found):

- people: mentions with the same name words in any order and case are one person
  ("ROSSI MARIO" = "Mario Rossi"); an initial and a surname ("M. Rossi") or a surname
  alone ("Rossi") join the one full name they fit, when exactly one fits. The value is
  the full name first-name-first ("Mario Rossi"): a mixed-case mention if there is one,
  else the words title-cased and put in order by the list of Italian first names.
- companies: the name without its legal form and case is the key ("Alfa S.r.l." =
  "ALFA SRL" = "Alfa srl"); the value is the name in mixed case with the canonical
  legal form ("Alfa S.r.l."). An all-capitals name is title-cased, except words of
  up to three letters, which are taken for acronyms ("ENI").

Values of customers from the registry (source "gazetteer") and of user corrections
are kept: they are already what the user wants to see.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from core.document import Entity
from nlp.entities.italian import first_names
from nlp.entities.names import legal_form_at

__all__ = ["link_entities", "org_key", "org_value", "person_value"]

_KEEP_SOURCES = ("gazetteer", "user")
_PARTICLES = frozenset(
    {"de", "di", "del", "della", "dei", "degli", "da", "dal", "la", "lo", "d'", "van", "von"}
)
_INITIAL = re.compile(r"^[A-ZÀ-Þa-zà-ÿ]\.$")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _title(word: str) -> str:
    return "-".join(
        "'".join(p[:1].upper() + p[1:].lower() for p in part.split("'")) for part in word.split("-")
    )


def person_value(value: str) -> str:
    """A person's name as users search it: "ROSSI MARIO" -> "Mario Rossi"."""
    words = value.split()
    if not words or any(w.islower() or (not w.isupper() and w[:1].isupper()) for w in words if len(w) > 2):
        return " ".join(words)
    titled = [_title(w) for w in words]
    firsts = first_names()
    if len(titled) >= 2 and titled[-1].lower() in firsts and titled[0].lower() not in firsts:
        leading_firsts = 1
        while (
            leading_firsts < len(titled) - 1
            and titled[-1 - leading_firsts].lower() in firsts
            and titled[-2 - leading_firsts].lower() not in _PARTICLES
        ):
            leading_firsts += 1
        titled = titled[-leading_firsts:] + titled[:-leading_firsts]
    return " ".join(titled)


def _split_legal_form(value: str) -> tuple[str, str]:
    found = legal_form_at(value, 0, anywhere=True)
    if found is None:
        return value.strip(" ,"), ""
    start, _, canonical = found
    return value[:start].strip(" ,"), canonical


def org_key(value: str) -> str:
    """The company without legal form, case and punctuation: "ALFA SRL" -> "alfa"."""
    from nlp.customers import fold

    name, _ = _split_legal_form(value)
    return fold(name).strip()


def org_value(value: str) -> str:
    """A company as users search it: "ALFA SRL" -> "Alfa S.r.l."."""
    name, form = _split_legal_form(value)
    if name.isupper():
        name = " ".join(w if len(w) <= 3 else _title(w) for w in name.split())
    return f"{name} {form}".strip()


def _name_words(value: str) -> list[str]:
    return [w.lower() for w in value.split() if not _INITIAL.match(w) and _NAME_WORD.fullmatch(w)]


def _link_people(people: list[Entity]) -> dict[int, str]:
    """Index into `people` -> linked value."""
    groups: dict[frozenset[str], list[int]] = {}
    for i, entity in enumerate(people):
        words = _name_words(entity.value)
        if len(words) >= 2 and len(words) == len(entity.value.split()):
            groups.setdefault(frozenset(words), []).append(i)
    display: dict[frozenset[str], str] = {}
    for key, members in groups.items():
        values = [people[i].value for i in members]
        mixed = [v for v in values if not v.isupper()]
        display[key] = person_value(mixed[0] if mixed else values[0])
    linked = {i: display[key] for key, members in groups.items() for i in members}
    for i, entity in enumerate(people):
        if i in linked:
            continue
        tokens = entity.value.split()
        surname_words = _name_words(entity.value)
        initials = [t[0].lower() for t in tokens if _INITIAL.match(t)]
        if not surname_words:
            continue
        fits = [
            key
            for key in groups
            if set(surname_words) <= key
            and all(any(w.startswith(initial) for w in key - set(surname_words)) for initial in initials)
            and len(key) > len(surname_words)
        ]
        linked[i] = display[fits[0]] if len(fits) == 1 else person_value(entity.value)
    return linked


def _link_orgs(orgs: list[Entity]) -> dict[int, str]:
    by_key: dict[str, list[int]] = {}
    for i, entity in enumerate(orgs):
        by_key.setdefault(org_key(entity.value), []).append(i)
    linked: dict[int, str] = {}
    for key, members in by_key.items():
        if not key:
            continue
        values = [orgs[i].value for i in members]
        with_form = [v for v in values if _split_legal_form(v)[1]]
        mixed = [v for v in with_form or values if not _split_legal_form(v)[0].isupper()]
        value = org_value((mixed or with_form or values)[0])
        for i in members:
            linked[i] = value
    return linked


def link_entities(entities: Sequence[Entity]) -> list[Entity]:
    """`entities` with one value per person and per company (order and offsets unchanged)."""
    out = list(entities)
    for label, link in (("PERSON", _link_people), ("ORG", _link_orgs)):
        positions = [i for i, e in enumerate(out) if e.label == label and e.source not in _KEEP_SOURCES]
        values = link([out[i] for i in positions])
        for index, position in enumerate(positions):
            if index in values and values[index] != out[position].value:
                out[position] = replace(out[position], value=values[index])
    return out
