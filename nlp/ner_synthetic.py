"""Synthetic Italian back-office sentences with PER/ORG/LOC spans, for training the NER.

Public gold Italian NER data with a licence that allows shipping a model is scarce
(see `nlp/data/SOURCES.md`), and none of it is business correspondence. These
sentences teach the model the places where names sit in letters, invoices and
e-mails: headers, salutations, signatures, "Spett.le", "P.IVA" lines. They come
from the templates and word lists in `nlp/data/ner_it/` (written for Faldone, no
external source), filled at random with a seeded generator, so the same seed
gives the same sentences.

`synthetic_examples(count, seed)` returns `(text, [(start, end, label), ...])`.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from functools import lru_cache

from nlp._lexicon import DATA_DIR

__all__ = ["Span", "synthetic_examples"]

Span = tuple[int, int, str]
_LEXICON = DATA_DIR / "ner_it" / "lexicon.tsv"
_TEMPLATES = DATA_DIR / "ner_it" / "templates.txt"
_SLOT = re.compile(r"\{([A-Z]+)\}")
_HONORIFICS = ("Sig.", "Sig.ra", "Dott.", "Dott.ssa", "Avv.", "Ing.", "Geom.", "Rag.", "Prof.", "dott.")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, list[str]]:
    words: dict[str, list[str]] = defaultdict(list)
    for line in _LEXICON.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, value = line.split("\t", 1)
            words[kind].append(value.strip())
    return dict(words)


@lru_cache(maxsize=1)
def _templates() -> list[str]:
    lines = _TEMPLATES.read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line.strip() and not line.startswith("#")]


_CONSONANTS = "bcdfglmnprstvz"
_VOWELS = "aeiou"


def _invented(rng: random.Random, endings: str) -> str:
    """A capitalised Italian-sounding word that no list holds ("Castorelli", "Vimena"),
    so that the model learns where names stand, not which names exist."""
    syllables = [rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 3))]
    middle = rng.choice(("", "", "l", "n", "r", "s", "tt", "ll", "nn", "rr"))
    final = rng.choice([c for c in _CONSONANTS if not middle.endswith(c)])
    return ("".join(syllables) + middle + final + rng.choice(endings)).capitalize()


def _person(rng: random.Random) -> str:
    lex = _lexicon()
    first, last = rng.choice(lex["first"]), rng.choice(lex["last"])
    if rng.random() < 0.35:
        first = _invented(rng, "aoe")
    if rng.random() < 0.5:
        last = _invented(rng, "iaoe")
    if rng.random() < 0.07:
        first = f"{first} {rng.choice(lex['first'])}"
    form = rng.random()
    if form < 0.58:
        return f"{first} {last}"
    if form < 0.68:
        return f"{last.upper()} {first.upper()}"
    if form < 0.76:
        return f"{last} {first}"
    if form < 0.84:
        return f"{first[0]}. {last}"
    if form < 0.92:
        return f"{first.upper()} {last.upper()}"
    return last


def _organisation(rng: random.Random) -> str:
    lex = _lexicon()
    form = rng.random()
    suffix = rng.choice(lex["suffix"])
    if form < 0.22:
        owner = rng.choice(lex["last"]) if rng.random() < 0.5 else _invented(rng, "iaoe")
        name = f"{owner} {rng.choice(lex['sector'])} {suffix}"
    elif form < 0.44:
        name = f"{rng.choice(lex['stem'])} {rng.choice(lex['sector'])} {suffix}"
    elif form < 0.54:
        name = f"{rng.choice(lex['stem'])}{rng.choice(lex['sector']).lower()} {suffix}"
    elif form < 0.62:
        name = f"{rng.choice(lex['last'])} & {rng.choice(lex['last'])} {suffix}"
    elif form < 0.68:
        first, last = rng.choice(lex["first"]), rng.choice(lex["last"])
        name = f"{last} {first} & C. {suffix}"
    elif form < 0.76:
        stem = rng.choice(lex["stem"]) if rng.random() < 0.5 else _invented(rng, "aoei")
        name = f"{stem} {rng.choice(lex['sector'])}"
    elif form < 0.90:
        name = rng.choice(lex["public"])
    else:
        name = f"{rng.choice(lex['place_org'])} {rng.choice(lex['city'])}"
    return name.upper() if rng.random() < 0.12 else name


def _place(rng: random.Random) -> str:
    lex = _lexicon()
    return rng.choice(lex["city"] if rng.random() < 0.75 else lex["region"])


def _filler(slot: str, rng: random.Random) -> str:
    lex = _lexicon()
    if slot == "STREET":
        return rng.choice(lex["street"])
    if slot == "ROLE":
        return rng.choice(lex["role"])
    if slot == "HON":
        return rng.choice(_HONORIFICS)
    if slot == "DATE":
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2015, 2026)}"
    if slot == "NUM":
        return str(rng.randint(1, 9999))
    if slot == "AMOUNT":
        return f"{rng.randint(10, 99999)},{rng.randint(0, 99):02d}"
    if slot == "PIVA":
        return "".join(str(rng.randint(0, 9)) for _ in range(11))
    if slot == "CAP":
        return f"{rng.randint(10, 98)}{rng.randint(0, 999):03d}"
    if slot == "PROV":
        return rng.choice(("RM", "MI", "TO", "NA", "BO", "FI", "VE", "GE", "BA", "PA"))
    raise ValueError(f"unknown slot {slot}")


_ENTITY_SLOTS = {"PER": ("PER", _person), "ORG": ("ORG", _organisation), "LOC": ("LOC", _place)}


def _fill(template: str, rng: random.Random) -> tuple[str, list[Span]]:
    out: list[str] = []
    spans: list[Span] = []
    length = 0
    position = 0
    for match in _SLOT.finditer(template):
        literal = template[position : match.start()]
        out.append(literal)
        length += len(literal)
        slot = match.group(1)
        if slot in _ENTITY_SLOTS:
            label, make = _ENTITY_SLOTS[slot]
            value = make(rng)
            spans.append((length, length + len(value), label))
        elif slot == "CITY":
            value = rng.choice(_lexicon()["city"])
            spans.append((length, length + len(value), "LOC"))
        else:
            value = _filler(slot, rng)
        out.append(value)
        length += len(value)
        position = match.end()
    out.append(template[position:])
    return "".join(out), spans


def synthetic_examples(count: int, seed: int) -> list[tuple[str, list[Span]]]:
    """`count` filled templates, reproducible for a given `seed`."""
    rng = random.Random(seed)
    templates = _templates()
    return [_fill(rng.choice(templates), rng) for _ in range(count)]
