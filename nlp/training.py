"""Training the classifier heads from the shipped data set and user corrections.

`load_examples()` reads `nlp/data/training/examples.jsonl` (see its README for the
label guide and the split); `examples_from_corrections` turns corrections stored
in the catalog into examples (a corrected category or complaint flag, with the
document's own text); `train` embeds, featurises and fits. Corrections weigh
`CORRECTION_WEIGHT` times a shipped example: a user's word on their own documents
should move the model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.catalog import Catalog
from core.corrections import all_corrections
from nlp._lexicon import DATA_DIR
from nlp.category import CATEGORIES
from nlp.classifier import SENTIMENTS, WEIGHTS_FILENAME, ClassifierWeights, fit
from nlp.embedding import embed, encoder_input
from nlp.features import LEXICON_FEATURES, feature_matrix, lexicon_features
from nlp.language import detect_language
from nlp.sentiment import sentiment_score

__all__ = [
    "CORRECTION_WEIGHT",
    "LEXICON_PENALTY",
    "TRAINING_FILE",
    "Example",
    "examples_from_corrections",
    "featurize",
    "load_examples",
    "train",
    "train_and_save",
]

TRAINING_FILE = DATA_DIR / "training" / "examples.jsonl"
CORRECTION_WEIGHT = 3.0
LEXICON_PENALTY = 0.1  # of the L2 penalty, for the lexicon features (see `nlp.classifier.fit`)


@dataclass(frozen=True)
class Example:
    """A labelled document; None marks a label that is not known."""

    text: str
    subject: str = ""
    complaint: int | None = None
    category: str | None = None
    sentiment: str | None = None
    language: str = ""
    split: str = "train"
    weight: float = 1.0


def load_examples(path: Path = TRAINING_FILE, split: str | None = None) -> list[Example]:
    """Examples of the JSONL data set, optionally of one split ("train" or "test")."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if split is not None and row.get("split") != split:
            continue
        examples.append(
            Example(
                text=row["text"],
                subject=row.get("subject", ""),
                complaint=int(row["complaint"]),
                category=row["category"],
                sentiment=row.get("sentiment"),
                language=row.get("language", ""),
                split=row.get("split", "train"),
            )
        )
    return examples


def featurize(texts: Sequence[str], subjects: Sequence[str]) -> np.ndarray:
    """Feature rows of documents, computed exactly as the Annotator computes them."""
    lexicon = []
    for text, subject in zip(texts, subjects, strict=True):
        full = f"{subject}\n\n{text}" if subject else text
        sentiment = sentiment_score(full, detect_language(full))
        lexicon.append(lexicon_features(text, subject, sentiment))
    embeddings = embed([encoder_input(t, s) for t, s in zip(texts, subjects, strict=True)])
    return feature_matrix(embeddings, lexicon)


def _index(value: str | None, names: tuple[str, ...]) -> int:
    return names.index(value) if value in names else -1


def train(examples: Iterable[Example]) -> ClassifierWeights:
    """Fit the heads on `examples` (labels that are None are left out of their head)."""
    items = list(examples)
    if not items:
        raise ValueError("no training examples")
    features = featurize([e.text for e in items], [e.subject for e in items])
    complaint = np.array([-1 if e.complaint is None else int(e.complaint) for e in items], dtype=np.int64)
    category = np.array([_index(e.category, CATEGORIES) for e in items], dtype=np.int64)
    sentiment = np.array([_index(e.sentiment, SENTIMENTS) for e in items], dtype=np.int64)
    weight = np.array([e.weight for e in items], dtype=np.float64)
    penalty = np.ones(features.shape[1])
    penalty[-len(LEXICON_FEATURES) :] = LEXICON_PENALTY
    return fit(features, complaint, category, sentiment, weight, penalty=penalty)


def examples_from_corrections(catalog: Catalog) -> list[Example]:
    """One example per corrected document: its last category and complaint corrections.

    A corrected category implies the complaint label ("complaint" or not); a corrected
    complaint flag implies the category only when it is true. Entity corrections
    teach nothing here.
    """
    labels: dict[str, dict[str, object]] = {}
    for record in all_corrections(catalog):
        if record.kind in ("category", "complaint"):
            labels.setdefault(record.document_id, {})[record.kind] = record.value
    examples = []
    for doc_id, corrected in labels.items():
        doc = catalog.document(doc_id)
        if doc is None:
            continue
        category = corrected.get("category")
        complaint = corrected.get("complaint")
        if complaint is None and isinstance(category, str):
            complaint = category == "complaint"
        if category is None and complaint is True:
            category = "complaint"
        examples.append(
            Example(
                text=doc.text,
                subject=doc.email.subject if doc.email else "",
                complaint=None if complaint is None else int(bool(complaint)),
                category=category if isinstance(category, str) else None,
                language=doc.annotations.language or "",
                split="correction",
                weight=CORRECTION_WEIGHT,
            )
        )
    return examples


def train_and_save(models_dir: Path, catalog: Catalog | None = None, *, include_test: bool = False) -> Path:
    """Train on the shipped data (train split, or all) plus the catalog's corrections; write the weights."""
    examples = load_examples(split=None if include_test else "train")
    if catalog is not None:
        examples += examples_from_corrections(catalog)
    path = models_dir / WEIGHTS_FILENAME
    train(examples).save(path)
    return path
