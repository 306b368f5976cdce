"""PERSON, ORG and LOC in Italian text from Faldone's own spaCy NER (source "spacy").

No Italian spaCy pipeline is published on the package registries, so Faldone trains
one (`nlp.ner_train`, `faldone nlp train-ner`) and ships it in `nlp/data/ner_it/model`
(data, licence, seed and command: `nlp/data/SOURCES.md`). A retrained pipeline in
`<data_dir>/models/ner_it` (users' corrections included) is preferred when present.
It loads once per process and path (`load_italian_ner`, behind `lru_cache`), its layers on
numpy's BLAS (`nlp.entities.spacy_loading`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spacy.language import Language

from nlp._lexicon import DATA_DIR
from nlp.entities.spacy_loading import load_pipeline
from nlp.errors import ModelNotAvailableError

__all__ = ["RETRAINED_DIRNAME", "SHIPPED_MODEL", "italian_model_path", "load_italian_ner"]

SHIPPED_MODEL = DATA_DIR / "ner_it" / "model"
RETRAINED_DIRNAME = "ner_it"


def italian_model_path(models_dir: Path | None = None) -> Path:
    """The retrained pipeline in `models_dir` if there is one, else the shipped one."""
    if models_dir is not None and (models_dir / RETRAINED_DIRNAME / "meta.json").is_file():
        return models_dir / RETRAINED_DIRNAME
    return SHIPPED_MODEL


@lru_cache(maxsize=2)
def load_italian_ner(path: Path = SHIPPED_MODEL) -> Language:
    """The Italian NER pipeline at `path`; loaded on first use, then shared by the process."""
    try:
        return load_pipeline(path)
    except (OSError, ValueError) as err:
        raise ModelNotAvailableError(f"Italian NER model not readable at {path}: {err}") from err
