"""The trained heads: complaint (binary), category (7 classes), sentiment (3 classes).

Three multinomial logistic regressions on the same standardised features
(`nlp.features`), fitted by full-batch gradient descent with Adam and an L2
penalty: deterministic, numpy only, under a second on the shipped data set.
A label of -1 means "unknown" for that head (a user correction of the category
says nothing about sentiment) and the example is left out of that head's loss.

Weights are an `.npz` of a few dozen kilobytes. The shipped file
(`nlp/data/classifier.npz`) is trained from `nlp/data/training/`; `faldone nlp
train` writes `<data_dir>/models/classifier.npz`, which the Annotator prefers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt

from nlp._lexicon import DATA_DIR
from nlp.category import CATEGORIES
from nlp.errors import ModelNotAvailableError
from nlp.features import LEXICON_FEATURES

__all__ = [
    "BUSINESS_CATEGORIES",
    "ITALIAN_RULE_OFF",
    "LEXICON_SHARE",
    "SENTIMENTS",
    "SHIPPED_WEIGHTS",
    "WEIGHTS_FILENAME",
    "ClassifierWeights",
    "Prediction",
    "business_share",
    "consumer_complaint",
    "fit",
    "load_weights",
    "predict",
    "stored_sentiment",
]

SENTIMENTS = ("negative", "neutral", "positive")
WEIGHTS_FILENAME = "classifier.npz"
SHIPPED_WEIGHTS = DATA_DIR / WEIGHTS_FILENAME
_FORMAT = 2
LIKELY_SHARE = 0.5  # default "likely complaint" threshold, as a share of the complaint threshold
LEXICON_SHARE = 0.5  # of the stored sentiment, where a lexicon exists for the language (the rest: the head)
ITALIAN_RULE_OFF = (np.inf, 0.0, -1.0)  # weights written before the rule: it never applies
# The categories of business mail; "other" (and complaints) are not among them.
BUSINESS_CATEGORIES = tuple(name for name in CATEGORIES if name not in ("complaint", "other"))

Array = npt.NDArray[np.float64]
# The lexicon sentiment's columns, counted from the end of a feature row (`nlp.features`).
_LEXICON_NEGATIVE = LEXICON_FEATURES.index("sentiment_negative") - len(LEXICON_FEATURES)
_LEXICON_POSITIVE = LEXICON_FEATURES.index("sentiment_positive") - len(LEXICON_FEATURES)


@dataclass(frozen=True)
class ClassifierWeights:
    """Standardisation and the three heads; `w_*` are (features, classes), `b_*` (classes,)."""

    mean: Array
    scale: Array
    w_complaint: Array
    b_complaint: Array
    w_category: Array
    b_category: Array
    w_sentiment: Array
    b_sentiment: Array
    # Platt scaling of the complaint logit (slope, intercept), fitted on a dev split.
    calibration: Array = field(default_factory=lambda: np.array([1.0, 0.0]))
    # (complaint, likely complaint) thresholds on the calibrated probability, chosen on a dev split.
    thresholds: Array = field(default_factory=lambda: np.array([0.5, 0.25]))
    # Italian consumer talk: (probability floor, business share ceiling, tone ceiling); `consumer_complaint`.
    italian_rule: Array = field(default_factory=lambda: np.array(ITALIAN_RULE_OFF))

    def save(self, path: Path) -> None:
        """Write the weights as a compressed `.npz` (atomically: a reader never sees half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            tmp,
            format=np.array(_FORMAT),
            categories=np.array(CATEGORIES),
            **{name: getattr(self, name).astype(np.float32) for name in _ARRAYS},
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ClassifierWeights:
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"]) != _FORMAT or tuple(data["categories"]) != CATEGORIES:
                    raise ModelNotAvailableError(f"{path}: weights of another format or category set")
                present = [name for name in _ARRAYS if name in data or name not in _OPTIONAL]
                return cls(**{name: data[name].astype(np.float64) for name in present})
        except (OSError, KeyError, ValueError) as err:
            raise ModelNotAvailableError(f"cannot read classifier weights {path}: {err}") from err


_ARRAYS = (
    "mean",
    "scale",
    "w_complaint",
    "b_complaint",
    "w_category",
    "b_category",
    "w_sentiment",
    "b_sentiment",
    "calibration",
    "thresholds",
    "italian_rule",
)
_OPTIONAL = ("italian_rule",)  # absent from weights written before it


@dataclass(frozen=True)
class Prediction:
    """What the heads say about one document."""

    complaint_probability: float  # calibrated
    complaint: bool  # the probability reaches the complaint threshold chosen on the dev split
    likely_complaint: bool  # below that, but at or above the "likely complaint" threshold
    category: str  # "complaint" when the complaint head says so, else the best other category
    category_probabilities: dict[str, float]
    sentiment: float  # P(positive) - P(negative), in [-1, 1]


def _softmax(z: Array) -> Array:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: Array = e / e.sum(axis=1, keepdims=True)
    return out


def complaint_logits(weights: ClassifierWeights, features: Array) -> Array:
    """The complaint head's raw logit per row (before calibration)."""
    x = (features - weights.mean) / weights.scale
    z = x @ weights.w_complaint + weights.b_complaint
    out: Array = z[:, 1] - z[:, 0]
    return out


def calibrated(weights: ClassifierWeights, logits: Array) -> Array:
    """Calibrated complaint probabilities of raw logits."""
    slope, intercept = weights.calibration
    out: Array = 1.0 / (1.0 + np.exp(-(slope * logits + intercept)))
    return out


def with_calibration(weights: ClassifierWeights, calibration: Array, thresholds: Array) -> ClassifierWeights:
    """The same heads with another calibration and thresholds."""
    return replace(
        weights, calibration=np.asarray(calibration, float), thresholds=np.asarray(thresholds, float)
    )


def business_share(category_probabilities: Array) -> Array:
    """Per row, the share of the business categories in the probability of the non-complaint ones."""
    business = [CATEGORIES.index(name) for name in BUSINESS_CATEGORIES]
    others = [i for i, name in enumerate(CATEGORIES) if name != "complaint"]
    total = category_probabilities[:, others].sum(axis=1)
    out: Array = category_probabilities[:, business].sum(axis=1) / total
    return out


def consumer_complaint(rule: Array, probability: Array, share: Array, tone: Array) -> npt.NDArray[np.bool_]:
    """Italian consumer talk read as a complaint below the complaint threshold.

    Italian reviews and consumer messages score lower than business mail of the same
    intent (held-out-source folds: their complaints' median probability is 0.33, under
    the 0.46 threshold), but business mail cannot take a lower threshold (invoices and
    reminders would be flagged). So the lower floor holds only for texts the category
    head does not read as business mail (`business_share`) and whose tone is not
    positive; `rule` = (floor, business share ceiling, tone ceiling), chosen on the folds
    by `nlp.training.choose_italian_rule`.
    """
    floor, share_max, tone_max = (float(v) for v in rule)
    out: npt.NDArray[np.bool_] = (probability >= floor) & (share <= share_max) & (tone <= tone_max)
    return out


@overload
def stored_sentiment(lexicon: float, head: float) -> float: ...
@overload
def stored_sentiment(lexicon: Array, head: Array) -> Array: ...
def stored_sentiment(lexicon: float | Array, head: float | Array) -> float | Array:
    """The sentiment the stage stores for Italian and English: the lexicon's and the head's, blended."""
    return LEXICON_SHARE * lexicon + (1 - LEXICON_SHARE) * head


def predict(
    weights: ClassifierWeights, features: Array, languages: Sequence[str | None] | None = None
) -> list[Prediction]:
    """One `Prediction` per feature row; `languages` (one per row) lets the Italian rule apply."""
    x = (features - weights.mean) / weights.scale
    complaint = calibrated(weights, complaint_logits(weights, features))
    threshold, likely = (float(t) for t in weights.thresholds)
    category = _softmax(x @ weights.w_category + weights.b_category)
    sentiment = _softmax(x @ weights.w_sentiment + weights.b_sentiment)
    head_tone = sentiment[:, 2] - sentiment[:, 0]
    flagged = complaint >= threshold
    if languages is not None:
        italian = np.array([lang == "it" for lang in languages], dtype=bool)
        lexicon = features[:, _LEXICON_POSITIVE] - features[:, _LEXICON_NEGATIVE]
        tone = stored_sentiment(lexicon, head_tone)
        rule = consumer_complaint(weights.italian_rule, complaint, business_share(category), tone)
        flagged |= italian & rule
    others = [i for i, name in enumerate(CATEGORIES) if name != "complaint"]
    predictions = []
    for row in range(x.shape[0]):
        p = float(complaint[row])
        is_complaint = bool(flagged[row])
        best = CATEGORIES[max(others, key=lambda i: category[row, i])]
        predictions.append(
            Prediction(
                complaint_probability=p,
                complaint=is_complaint,
                likely_complaint=likely <= p and not is_complaint,
                category="complaint" if is_complaint else best,
                category_probabilities={name: float(category[row, i]) for i, name in enumerate(CATEGORIES)},
                sentiment=float(head_tone[row]),
            )
        )
    return predictions


def _fit_head(
    x: Array,
    labels: npt.NDArray[np.int64],
    classes: int,
    sample_weight: Array,
    *,
    l2: Array,
    steps: int,
    prior: tuple[Array, Array] | None = None,
) -> tuple[Array, Array]:
    """Multinomial logistic regression by Adam on the rows whose label is not -1.

    With a `prior` (weights, bias) the fit starts there and the L2 penalty pulls
    towards it instead of towards zero: a few corrections adjust the shipped model
    rather than replace it.
    """
    keep = labels >= 0
    x, labels, sw = x[keep], labels[keep], sample_weight[keep]
    w0 = np.zeros((x.shape[1], classes)) if prior is None else prior[0].copy()
    b0 = np.zeros(classes) if prior is None else prior[1].copy()
    w, b = w0.copy(), b0.copy()
    if x.shape[0] == 0:
        return w, b
    # Balanced classes: a rare class weighs as much in total as a common one.
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    class_weight = np.where(counts > 0, counts.sum() / (classes * np.maximum(counts, 1.0)), 0.0)
    sw = sw * class_weight[labels]
    sw = sw / sw.sum()
    onehot = np.eye(classes)[labels]
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    rate, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        error = (_softmax(x @ w + b) - onehot) * sw[:, None]
        grad_w = x.T @ error + l2 * (w - w0)
        grad_b = error.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w**2
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b**2
        correction1, correction2 = 1 - beta1**step, 1 - beta2**step
        w -= rate * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
        b -= rate * (m_b / correction1) / (np.sqrt(v_b / correction2) + eps)
    return w, b


def fit(
    features: Array,
    complaint: npt.NDArray[np.int64],
    category: npt.NDArray[np.int64],
    sentiment: npt.NDArray[np.int64],
    sample_weight: Array | None = None,
    *,
    l2: float = 1e-2,
    penalty: Array | None = None,
    steps: int = 300,
    prior: ClassifierWeights | None = None,
) -> ClassifierWeights:
    """Fit the three heads; labels are class indices (`CATEGORIES`, `SENTIMENTS`, 0/1) or -1.

    `penalty` scales `l2` per feature: a handful of lexicon features, each worth as
    much as dozens of embedding dimensions, are penalised less than the 512 dimensions.
    """
    if prior is None:
        mean = features.mean(axis=0)
        scale = features.std(axis=0)
        scale = np.where(scale > 1e-9, scale, 1.0)
    else:
        mean, scale = prior.mean, prior.scale
    x = (features - mean) / scale
    sw = np.ones(x.shape[0]) if sample_weight is None else sample_weight.astype(np.float64)
    per_feature = l2 * (np.ones(x.shape[1]) if penalty is None else penalty)[:, None]

    def start(name: str) -> tuple[Array, Array] | None:
        return None if prior is None else (getattr(prior, f"w_{name}"), getattr(prior, f"b_{name}"))

    w_c, b_c = _fit_head(x, complaint, 2, sw, l2=per_feature, steps=steps, prior=start("complaint"))
    w_k, b_k = _fit_head(
        x, category, len(CATEGORIES), sw, l2=per_feature, steps=steps, prior=start("category")
    )
    w_s, b_s = _fit_head(
        x, sentiment, len(SENTIMENTS), sw, l2=per_feature, steps=steps, prior=start("sentiment")
    )
    fitted = ClassifierWeights(mean, scale, w_c, b_c, w_k, b_k, w_s, b_s)
    if prior is not None:
        fitted = replace(
            with_calibration(fitted, prior.calibration, prior.thresholds), italian_rule=prior.italian_rule
        )
    return fitted


@lru_cache(maxsize=4)
def _load_cached(path: Path, mtime_ns: int) -> ClassifierWeights:
    return ClassifierWeights.load(path)


def load_weights(models_dir: Path | None = None) -> ClassifierWeights:
    """Weights from `models_dir/classifier.npz` when present (retrained), else the shipped ones.

    Cached by path and modification time: a retrain is picked up by the next batch.
    """
    path = SHIPPED_WEIGHTS
    if models_dir is not None and (models_dir / WEIGHTS_FILENAME).is_file():
        path = models_dir / WEIGHTS_FILENAME
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as err:
        raise ModelNotAvailableError(f"classifier weights missing: {path}") from err
    return _load_cached(path, mtime)
