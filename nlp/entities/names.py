"""Italian ORG and PERSON by rules: company suffixes and honorifics (source "rule").

Precision over recall: an ORG needs a legal-form suffix ("Rossi S.r.l.",
"Alfa S.p.A.", "Delta Srl") after one to five capitalised words; a PERSON needs an
honorific ("Sig.", "Sig.ra", "Dott.", "Avv.", "Ing.", "gentile signora") followed
by capitalised words that are not generic addressees ("Gentile Cliente").
The ORG value carries the canonical suffix ("Delta S.r.l."), the PERSON value the
name without honorific.
"""

from __future__ import annotations

import re

from core.document import Entity
from nlp.entities._base import collapse, make_entity

__all__ = ["find_italian_organisations", "find_italian_persons", "legal_form_at"]

# Longest forms first so "S.r.l.s." is not cut to "S.r.l.".
_SUFFIXES: tuple[tuple[str, str], ...] = (
    (r"(?i:S\.\s?r\.\s?l\.\s?s\.?|Srls)", "S.r.l.s."),
    (r"(?i:S\.\s?c\.\s?a\.\s?r\.\s?l\.?|Scarl)", "S.c.a.r.l."),
    (r"(?i:S\.\s?r\.\s?l\.?|Srl)", "S.r.l."),
    (r"(?i:S\.\s?p\.\s?A\.?)|SpA|SPA", "S.p.A."),
    (r"(?i:S\.\s?n\.\s?c\.?|Snc)", "S.n.c."),
    (r"(?i:S\.\s?a\.\s?s\.?|Sas)", "S.a.s."),
    (r"Soc\.\s?Coop\.?|Società Cooperativa", "Soc. Coop."),
)
_UPPER = "A-ZÀ-ÖØ-Þ"
_SUFFIX_ANY = "|".join(pattern for pattern, _ in _SUFFIXES)
# A name word is never itself a suffix, so "Alfa S.p.A. e Beta Snc" gives two companies.
_WORD = rf"(?!(?:{_SUFFIX_ANY})(?!\w))(?:[{_UPPER}][\w'’&.-]*|[0-9]+[{_UPPER}][\w&-]*)"
_LINK = r"(?:&|e|di|de|del|della|dei|delle|d'|and|[-&+])"
_NAME = rf"{_WORD}(?:\s(?:{_LINK}\s)?{_WORD}){{0,4}}"
_SUFFIX_RE = "|".join(f"(?P<s{i}>{pattern})" for i, (pattern, _) in enumerate(_SUFFIXES))
_SUFFIX_AFTER = re.compile(rf"\s?,?\s?(?:{_SUFFIX_RE})(?![\w])")
_SUFFIX_INSIDE = re.compile(rf"(?<![\w.])(?:{_SUFFIX_RE})(?![\w])")
_ORG = re.compile(rf"(?<![\w.])(?P<name>{_NAME}),?\s(?:{_SUFFIX_RE})(?![\w])")
# Words that open a sentence or an address before the company's own name.
_LEADING = {
    "spett.le", "spettabile", "spett", "alla", "alle", "la", "le", "il", "lo", "della", "dalla",
    "presso", "società", "ditta", "azienda", "con", "per", "da", "a", "e", "di", "the", "to",
    "from", "and", "dear", "gentile", "egregi", "cliente", "fornitore", "mittente", "destinatario",
    "oggetto", "re", "fw", "fwd",
}  # fmt: skip

_HONORIFIC = (
    r"(?:[Gg]entil(?:e|issim[oa])|[Ee]gregi[oa]|[Cc]ar[oa]|[Ss]pett\.le)\s+"
    r"(?:[Ss]ignor[ae]?|[Ss]ig\.(?:ra|na)?|[Dd]ott\.(?:ssa)?|[Dd]ottor(?:essa)?|[Aa]vv\.|[Ii]ng\.|[Pp]rof\.(?:ssa)?)"
    r"|Sig\.\s?(?:ra|na)|Sigg\.|Sig\.|Signor[ae]?|Dott\.\s?ssa|Dott\.|Dott|Dr\.|Avv\.|Avvocato|Ing\.|"
    r"Prof\.\s?ssa|Prof\.|Geom\.|Rag\.|Arch\.|Notaio|On\."
)
_PART = rf"[{_UPPER}][a-zà-ÿ'’]+(?:-[{_UPPER}][a-zà-ÿ'’]+)?"
_PERSON = re.compile(
    rf"(?<![\w.])(?:{_HONORIFIC})\s+(?P<name>{_PART}(?:\s(?:[Dd][ei]\s|[Dd]ella\s|[Dd]'|La\s|Lo\s)?{_PART}){{0,2}})"
)
_NOT_NAMES = {
    "cliente", "clienti", "utente", "utenti", "direttore", "direttrice", "responsabile", "team",
    "servizio", "ufficio", "amministrazione", "amministratore", "collega", "colleghi", "signori",
    "signore", "signora", "signor", "titolare", "dottore", "avvocato", "ingegnere", "socio",
    "lettore", "abbonato", "abbonata", "fornitore", "customer", "sir", "madam", "ditta", "spett",
}  # fmt: skip


def find_italian_organisations(text: str) -> list[Entity]:
    """Companies named with an Italian legal-form suffix."""
    found: list[Entity] = []
    for match in _ORG.finditer(text):
        words = match.group("name").split()
        skip = 0
        while skip < len(words) and words[skip].lower() in _LEADING:
            skip += 1
        if skip == len(words):
            continue
        start = match.start("name") + _offset_of_word(match.group("name"), skip)
        suffix = next(canon for i, (_, canon) in enumerate(_SUFFIXES) if match.group(f"s{i}"))
        name = collapse(text[start : match.start("name") + len(match.group("name"))]).rstrip(",")
        found.append(make_entity("ORG", text, start, match.end(), f"{name} {suffix}", source="rule"))
    return found


def find_italian_persons(text: str) -> list[Entity]:
    """People named after an honorific ("Sig. Mario Rossi" -> "Mario Rossi")."""
    found: list[Entity] = []
    for match in _PERSON.finditer(text):
        name = match.group("name")
        if name.split()[0].lower() in _NOT_NAMES:
            continue
        start, end = match.span("name")
        found.append(make_entity("PERSON", text, start, end, collapse(name), source="rule"))
    return found


def _offset_of_word(name: str, index: int) -> int:
    """Character offset of word number `index` in `name` (words split on whitespace)."""
    offsets = [m.start() for m in re.finditer(r"\S+", name)]
    return offsets[index]


def legal_form_at(text: str, position: int, *, anywhere: bool = False) -> tuple[int, int, str] | None:
    """(start, end, canonical form) of a legal-form suffix at `position` (after an optional
    comma and space), or anywhere in `text[position:]` with `anywhere`; None if there is none.
    With `anywhere`, start is the suffix's own start; without, it is `position`."""
    pattern = _SUFFIX_INSIDE if anywhere else _SUFFIX_AFTER
    match = pattern.search(text, position) if anywhere else pattern.match(text, position)
    if match is None:
        return None
    canonical = next(canon for i, (_, canon) in enumerate(_SUFFIXES) if match.group(f"s{i}"))
    return match.start(), match.end(), canonical
