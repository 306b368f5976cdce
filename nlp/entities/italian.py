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
- generic words of letters and forms ("Oggetto", "Gentile Cliente", "Totale") are dropped,
  and so are spans the model is least sure of in forms and headers, unless one of the
  cues above backs them: a span in capitals only ("DESCRIZIONE FORNITURA"), a span with
  digits, a span with a lower-case word that is not a particle, and a street
  ("Viale Roma", "Via Enrico Fermi": a street named after a person is not that person),
  and a capitalised phrase of ordinary Italian words only ("Capitale Sociale", "Sede
  Legale": every word seen in lower case in the shipped Italian texts, `common_words`);
- a phrase that opens with the head noun of a body ("Banca", "Agenzia", "Comune",
  "Ministero", ...) and has another capitalised word is an ORG.

Rule spans (`nlp.entities.names`) stay as they are; `merge_entities` prefers them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

from core.document import Entity
from nlp._lexicon import DATA_DIR
from nlp.entities._base import collapse
from nlp.entities.names import legal_form_at

__all__ = ["NOT_NAMES", "ORG_HEADS", "combine_italian", "common_words", "first_names"]

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
_LOOKAHEAD_CHARS = 80
_STREET_BEFORE = re.compile(
    r"\b(?:Via|V\.le|Viale|Piazza|P\.zza|Piazzale|Corso|C\.so|Largo|Vicolo|Strada)\s*$", re.I
)
_STREET_WORDS = frozenset(
    {"via", "v.le", "viale", "piazza", "p.zza", "piazzale", "corso", "c.so", "largo", "vicolo"}
)
_WORD = re.compile(r"[^\W\d_]+")
_PARTICLES = frozenset(
    {"di", "de", "del", "della", "dei", "degli", "delle", "da", "e", "&", "d'", "la", "lo", "von", "van"}
)
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


ORG_HEADS = frozenset({
    "banca", "agenzia", "ministero", "comune", "camera", "università", "tribunale", "regione", "provincia",
    "istituto", "società", "consorzio", "fondazione", "associazione", "centro", "divisione", "direzione",
    "gruppo", "studio", "cassa", "poste", "autorità", "ente", "azienda", "cooperativa", "ordine", "corte",
    "procura", "prefettura", "questura", "ospedale", "scuola", "federazione", "unione", "partito",
})  # fmt: skip


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words written in lower case somewhere in the shipped Italian texts (Europarl sentences of
    the NER data, the classifier's Italian examples): ordinary vocabulary, not names."""
    words: set[str] = set()
    for line in (DATA_DIR / "ner_it" / "europarl_it_train.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            words.update(t for t in json.loads(line)["tokens"] if t.isalpha() and t.islower())
    for line in (DATA_DIR / "training" / "examples.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("language") == "it":
                text = f"{row.get('subject', '')} {row['text']}"
                words.update(w for w in _WORD.findall(text) if w.islower())
    return frozenset(words - first_names())


def _ordinary(value: str) -> bool:
    words = [w.lower() for w in _WORD.findall(value) if w.lower() not in _PARTICLES]
    return bool(words) and words[0] not in ORG_HEADS and all(w in common_words() for w in words)


def _org_head(value: str) -> bool:
    words = value.split()
    return len(words) >= 2 and words[0].lower() in ORG_HEADS and any(w[:1].isupper() for w in words[1:])


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


def _unsure(text: str, entity: Entity) -> bool:
    """True for spans of forms and headers that need a cue before they are believed."""
    value = entity.text
    words = value.split()
    if any(ch.isdigit() for ch in value) or not any(ch.islower() for ch in value):
        return True
    if any(w[:1].islower() and w.lower() not in _PARTICLES for w in words) or _ordinary(value):
        return True
    return words[0].lower() in _STREET_WORDS or bool(
        _STREET_BEFORE.search(text[max(0, entity.start - 12) : entity.start])
    )


def _fiscal_id_follows(text: str, end: int, patterns: Sequence[Entity]) -> bool:
    window = "\n".join(text[end : end + _LOOKAHEAD_CHARS].split("\n")[:2])
    if _FISCAL_CUE.search(window):
        return True
    return any(
        p.label in ("PARTITA_IVA", "CODICE_FISCALE") and end <= p.start < end + len(window) for p in patterns
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
    # A doubtful span is believed when the same name is written plainly elsewhere ("ROSSI MARIO").
    seen_plain = {frozenset(_fold(e.text).split()) for e in [*model, *patterns] if not _unsure(text, e)}
    for entity in model:
        value = collapse(entity.value)
        if value.lower().strip(" .,:") in NOT_NAMES:
            continue
        label, end = entity.label, entity.end
        suffix = legal_form_at(text, end)
        backed = (
            suffix is not None
            or _org_head(value)
            or bool(_TITLE_BEFORE.search(text[max(0, entity.start - 25) : entity.start]))
        )
        if registry and (
            registry.get(_fold(entity.text))
            or (suffix and registry.get(_fold(text[entity.start : suffix[1]])))
        ):
            backed = True
        if not backed and _unsure(text, entity):
            words = frozenset(_fold(entity.text).split())
            street = _STREET_BEFORE.search(text[max(0, entity.start - 12) : entity.start])
            if street or not (words in seen_plain or (len(words) > 1 and _has_first_name(entity.text))):
                continue
        if suffix is not None:
            _, suffix_end, canonical = suffix
            label, end = "ORG", suffix_end
            value = f"{value.rstrip(',')} {canonical}"
        elif legal_form_at(entity.text, 0, anywhere=True) is not None or _org_head(value):
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
