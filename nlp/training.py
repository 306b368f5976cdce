"""Training the classifier heads: real data, a dev split for calibration, user corrections.

The shipped weights (`nlp/data/classifier.npz`) are trained by `bench/nlp_complaint_train.py`
on real labelled texts (see `nlp/data/SOURCES.md`) plus the project's templated
back-office examples (`nlp/data/training/examples.jsonl`, train split), then
calibrated on a dev split of the same sources (`calibrate`): Platt scaling of the
complaint logit, the complaint threshold that maximises dev F1 and a "likely
complaint" threshold that reaches `LIKELY_RECALL` on dev.

`faldone nlp train` (`train_and_save`) does not need those corpora: it starts from
the shipped weights and fits the users' corrections (`examples_from_corrections`)
together with the templated examples, with the L2 penalty pulling towards the
shipped weights (`nlp.classifier.fit(prior=...)`). Corrections weigh
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
from nlp.classifier import (
    ITALIAN_RULE_OFF,
    SENTIMENTS,
    SHIPPED_WEIGHTS,
    WEIGHTS_FILENAME,
    ClassifierWeights,
    complaint_logits,
    consumer_complaint,
    fit,
    with_calibration,
)
from nlp.embedding import embed, encoder_input
from nlp.features import LEXICON_FEATURES, feature_matrix, lexicon_features
from nlp.language import detect_language
from nlp.sentiment import sentiment_score

__all__ = [
    "CORRECTION_WEIGHT",
    "DEFAULT_L2",
    "LEXICON_PENALTY",
    "LIKELY_RECALL",
    "SUPPLEMENT_FILE",
    "TRAINING_FILE",
    "Example",
    "calibrate",
    "calibrate_logits",
    "choose_italian_rule",
    "examples_from_corrections",
    "featurize",
    "load_examples",
    "train",
    "train_and_save",
]

TRAINING_FILE = DATA_DIR / "training" / "examples.jsonl"
# Hand-written informal Italian messages, train split only (see training/README.md).
SUPPLEMENT_FILE = DATA_DIR / "training" / "informal_it.jsonl"
CORRECTION_WEIGHT = 3.0
DEFAULT_L2 = 1e-2  # the shipped weights record the one chosen by cross-source validation
LIKELY_RECALL = 0.95  # the "likely complaint" threshold catches this share of dev complaints
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


def load_examples(path: Path | None = None, split: str | None = None) -> list[Example]:
    """Examples of the JSONL data set (default: the templated set and the informal supplement),
    optionally of one split ("train" or "test")."""
    paths = [TRAINING_FILE, SUPPLEMENT_FILE] if path is None else [path]
    lines = [line for p in paths for line in p.read_text(encoding="utf-8").splitlines()]
    examples = []
    for line in lines:
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


def _best_f1_threshold(p: np.ndarray, y: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(0.05, 0.951, 0.01), 2):
        predicted = p >= t
        tp = float(np.sum(predicted & (y == 1)))
        f1 = 2 * tp / (float(np.sum(predicted)) + float(np.sum(y == 1))) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def calibrate(weights: ClassifierWeights, features: np.ndarray, labels: np.ndarray) -> ClassifierWeights:
    """Platt scaling and thresholds from a dev split (`labels` 0/1), never from evaluation data."""
    return calibrate_logits(weights, complaint_logits(weights, features), labels)


def calibrate_logits(weights: ClassifierWeights, z: np.ndarray, labels: np.ndarray) -> ClassifierWeights:
    """`calibrate` from raw complaint logits (e.g. of models that did not see the dev texts' source)."""
    y = labels.astype(np.float64)
    slope, intercept = 1.0, 0.0
    for _ in range(500):  # Newton steps on the log-loss of sigmoid(slope * z + intercept)
        p = 1.0 / (1.0 + np.exp(-(slope * z + intercept)))
        g = np.array([np.sum((p - y) * z), np.sum(p - y)])
        h = p * (1 - p)
        hess = np.array([[np.sum(h * z * z), np.sum(h * z)], [np.sum(h * z), np.sum(h)]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, g)
        slope, intercept = slope - step[0], intercept - step[1]
        if np.abs(step).max() < 1e-8:
            break
    probability = 1.0 / (1.0 + np.exp(-(slope * z + intercept)))
    threshold = _best_f1_threshold(probability, labels)
    positives = np.sort(probability[labels == 1])
    likely = float(positives[int((1 - LIKELY_RECALL) * len(positives))]) if len(positives) else threshold / 2
    likely = min(round(likely, 3), round(threshold * 0.9, 3))
    return with_calibration(weights, np.array([slope, intercept]), np.array([threshold, likely]))


def _f1(flagged: np.ndarray, labels: np.ndarray) -> float:
    tp = float(np.sum(flagged & (labels == 1)))
    return 2 * tp / (float(np.sum(flagged)) + float(np.sum(labels == 1))) if tp else 0.0


def choose_italian_rule(
    consumer: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    business: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    threshold: float,
) -> np.ndarray:
    """The Italian rule (floor, business share ceiling, tone ceiling) of `nlp.classifier.consumer_complaint`.

    Both arguments are (probability, business share, tone, label) of rows scored by models that
    did not see them: `consumer` Italian consumer texts (reviews), `business` Italian business
    mail. The rule must flag no more business non-complaints than `threshold` alone does;
    among those rules, the best consumer F1 wins, and of the rules within 0.01 of it the
    most cautious (highest floor, then lowest ceilings): the folds are small.
    """
    (p_c, share_c, tone_c, y_c), (p_b, share_b, tone_b, y_b) = consumer, business
    allowed = int(np.sum((p_b >= threshold) & (y_b == 0)))
    found: list[tuple[float, float, float, float]] = []
    for floor in np.round(np.arange(0.05, threshold, 0.01), 2):
        for share_max in np.round(np.arange(0.05, 0.951, 0.05), 2):
            for tone_max in (1.0, 0.5, 0.25, 0.0, -0.25):
                rule = np.array([floor, share_max, tone_max])
                business_flags = (p_b >= threshold) | consumer_complaint(rule, p_b, share_b, tone_b)
                if int(np.sum(business_flags & (y_b == 0))) > allowed:
                    continue
                flags = (p_c >= threshold) | consumer_complaint(rule, p_c, share_c, tone_c)
                found.append((_f1(flags, y_c), float(floor), float(share_max), tone_max))
    if not found:
        return np.array(ITALIAN_RULE_OFF)
    best = max(f1 for f1, *_ in found)
    cautious = max((r for r in found if r[0] >= best - 0.01), key=lambda r: (r[1], -r[2], -r[3]))
    return np.array(cautious[1:])


def _index(value: str | None, names: tuple[str, ...]) -> int:
    return names.index(value) if value in names else -1


def train(
    examples: Iterable[Example],
    prior: ClassifierWeights | None = None,
    features: np.ndarray | None = None,
    *,
    l2: float = DEFAULT_L2,
) -> ClassifierWeights:
    """Fit the heads on `examples` (labels that are None are left out of their head).

    `prior`: start from these weights and stay close to them (see `nlp.classifier.fit`).
    `features`: the examples' feature rows when already computed.
    """
    items = list(examples)
    if not items:
        raise ValueError("no training examples")
    if features is None:
        features = featurize([e.text for e in items], [e.subject for e in items])
    complaint = np.array([-1 if e.complaint is None else int(e.complaint) for e in items], dtype=np.int64)
    category = np.array([_index(e.category, CATEGORIES) for e in items], dtype=np.int64)
    sentiment = np.array([_index(e.sentiment, SENTIMENTS) for e in items], dtype=np.int64)
    weight = np.array([e.weight for e in items], dtype=np.float64)
    penalty = np.ones(features.shape[1])
    penalty[-len(LEXICON_FEATURES) :] = LEXICON_PENALTY
    return fit(features, complaint, category, sentiment, weight, l2=l2, penalty=penalty, prior=prior)


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
    """Adjust the shipped weights to the catalog's corrections (and the templated examples); write them.

    `include_test` adds the templated held-out split too (its bench figure is then no longer honest).
    """
    examples = load_examples(split=None if include_test else "train")
    if catalog is not None:
        examples += examples_from_corrections(catalog)
    path = models_dir / WEIGHTS_FILENAME
    train(examples, prior=ClassifierWeights.load(SHIPPED_WEIGHTS)).save(path)
    return path
