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

from nlp._lexicon import DATA_DIR
from nlp.category import CATEGORIES
from nlp.classifier import SENTIMENTS, ClassifierWeights, fit
from nlp.embedding import embed, encoder_input
from nlp.features import feature_matrix, lexicon_features
from nlp.language import detect_language
from nlp.sentiment import sentiment_score

__all__ = [
    "CORRECTION_WEIGHT",
    "TRAINING_FILE",
    "Example",
    "featurize",
    "load_examples",
    "train",
]

TRAINING_FILE = DATA_DIR / "training" / "examples.jsonl"
CORRECTION_WEIGHT = 3.0


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
    return fit(features, complaint, category, sentiment, weight)
