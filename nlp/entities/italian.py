"""Italian NER spans combined with rules, validated identifiers and the customer registry.

`combine_italian(text, model, patterns, registry)` takes the model's PERSON/ORG/LOC
spans and returns them corrected by evidence the model cannot weigh:

- a legal-form suffix right after a span ("Alfa S.r.l.", "Beta, S.p.A.") makes it an
  ORG that includes the suffix;
- a title right before a span ("Dott.", "Avv.", "Ing.", "Sig.ra", "Gentile") makes it
  a PERSON;
- a P.IVA (or a company codice fiscale) within the next lines after a span the model
  called PERSON or LOC, without a title and without a known first name, makes it an ORG,
  and so does a street address after a PERSON without either;
- a span whose text is a customer's name or alias (`registry`: folded term -> name)
  becomes that customer's ORG, source "gazetteer", which outranks everything but
  validated patterns in `merge_entities`;
- generic words of letters and forms ("Oggetto", "Gentile Cliente", "Totale") are dropped.

Rule spans (`nlp.entities.names`) stay as they are; `merge_entities` prefers them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

from core.document import Entity
from nlp._lexicon import DATA_DIR
from nlp.entities._base import collapse
from nlp.entities.names import legal_form_at

__all__ = ["NOT_NAMES", "combine_italian", "first_names"]

_TITLE_BEFORE = re.compile(
    r"(?:\b(?:Sig|Sigg|Dott|Dr|Avv|Ing|Prof|Geom|Rag|Arch|Egr|Gent(?:\.mo|\.ma)?|Preg(?:\.mo|\.ma)?)\.(?:\s?(?:ra|na|ssa))?"
    r"|\bSig\.ra|\bDott\.ssa|\b(?:Signor[ae]?|Dottor(?:essa)?|Avvocato|Ingegnere|Notaio|Gentile|Gentilissim[oa]"
    r"|Egregi[oa]|Car[oa]))\s*$",
    re.IGNORECASE,
)
_FISCAL_CUE = re.compile(
    r"\b(?:P\.?\s?IVA|Partita\s+IVA|C\.?\s?F\.?|Cod(?:ice)?\.?\s+Fisc(?:ale)?\.?)(?!\w)", re.I
)
_ADDRESS = re.compile(
    r"^\W{0,3}(?:Via|V\.le|Viale|Piazza|P\.zza|Piazzale|Corso|C\.so|Largo|Vicolo|Strada|Loc\.|Località)\s",
    re.I,
)
_LOOKAHEAD_CHARS = 120
# Capitalised words of letters and forms that a statistical model tends to take for names.
NOT_NAMES = frozenset({
    "oggetto", "fattura", "fatture", "totale", "totale documento", "cliente", "gentile cliente",
    "cordiali saluti", "distinti saluti", "saluti", "spett.le", "spettabile", "iva", "partita iva",
    "codice fiscale", "data", "importo", "scadenza", "pagina", "pag", "tel", "fax", "email", "e-mail",
    "pec", "cap", "via", "euro", "eur", "descrizione", "quantità", "prezzo", "sconto", "imponibile",
    "riepilogo", "allegato", "allegati", "mittente", "destinatario", "servizio clienti", "ufficio",
    "numero", "n.", "rif", "rif.", "codice", "conto", "bonifico", "banca", "documento", "totale fattura",
    "buongiorno", "buonasera", "grazie", "egregio", "gentile", "caro", "cara", "firma", "ricevuta",
})  # fmt: skip


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Lower-cased Italian first names of the shipped word list (a PERSON cue)."""
    names = set()
    for line in (DATA_DIR / "ner_it" / "lexicon.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("first\t"):
            names.add(line.split("\t", 1)[1].strip().lower())
    return frozenset(names)


def _has_first_name(value: str) -> bool:
    words = [w.strip(".,").lower() for w in value.split()]
    return bool(words) and (words[0] in first_names() or words[-1] in first_names())


def _fiscal_id_follows(text: str, end: int, patterns: Sequence[Entity]) -> bool:
    window = text[end : end + _LOOKAHEAD_CHARS]
    if _FISCAL_CUE.search(window):
        return True
    return any(
        p.label in ("PARTITA_IVA", "CODICE_FISCALE") and end <= p.start < end + _LOOKAHEAD_CHARS
        for p in patterns
    )


def _address_follows(text: str, end: int) -> bool:
    rest = text[end : end + _LOOKAHEAD_CHARS]
    lines = rest.split("\n")
    return any(_ADDRESS.match(line) for line in lines[:3])


def _fold(text: str) -> str:
    from nlp.customers import fold

    return fold(text).strip()


def combine_italian(
    text: str,
    model: Sequence[Entity],
    patterns: Sequence[Entity] = (),
    registry: Mapping[str, str] | None = None,
) -> list[Entity]:
    """The model's spans corrected by legal forms, titles, fiscal ids, addresses and the registry."""
    out: list[Entity] = []
    for entity in model:
        value = collapse(entity.value)
        if value.lower().strip(" .,:") in NOT_NAMES:
            continue
        label, end = entity.label, entity.end
        suffix = legal_form_at(text, end)
        if suffix is not None:
            _, suffix_end, canonical = suffix
            label, end = "ORG", suffix_end
            value = f"{value.rstrip(',')} {canonical}"
        elif legal_form_at(entity.text, 0, anywhere=True) is not None:
            label = "ORG"
        elif _TITLE_BEFORE.search(text[max(0, entity.start - 25) : entity.start]):
            label = "PERSON"
        elif (
            label in ("PERSON", "LOC")
            and not _has_first_name(value)
            and (
                _fiscal_id_follows(text, end, patterns) or (label == "PERSON" and _address_follows(text, end))
            )
        ):
            label = "ORG"
        source = entity.source
        if registry:
            customer = registry.get(_fold(text[entity.start : end])) or registry.get(_fold(entity.text))
            if customer is not None:
                label, value, source = "ORG", customer, "gazetteer"
        out.append(
            replace(entity, label=label, value=value, end=end, text=text[entity.start : end], source=source)
        )
    return out
