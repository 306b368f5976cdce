"""Calibration and thresholds come from a dev split; corrections adjust the shipped weights."""

from __future__ import annotations

import numpy as np

from nlp.category import CATEGORIES
from nlp.classifier import calibrated, complaint_logits, fit, predict
from nlp.training import LIKELY_RECALL, calibrate


def _data(seed: int, n: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy classes in 6 dimensions; the true P(complaint | x) is logistic in x[0]."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6))
    p = 1 / (1 + np.exp(-(3 * x[:, 0] - 0.5)))
    y = (rng.random(n) < p).astype(np.int64)
    return x, y


def _fit(x: np.ndarray, y: np.ndarray) -> object:
    unknown = np.full(len(y), -1, dtype=np.int64)
    category = np.where(y == 1, CATEGORIES.index("complaint"), CATEGORIES.index("other")).astype(np.int64)
    return fit(x, y, category, unknown, l2=1e-1, steps=150)


def test_calibrated_probabilities_match_observed_rates_on_new_data() -> None:
    x, y = _data(1)
    # A badly scaled model: the features are multiplied by 4, so raw logits are overconfident.
    weights = _fit(x * 4, y)
    dev_x, dev_y = _data(2)
    tuned = calibrate(weights, dev_x * 4, dev_y)  # type: ignore[arg-type]
    test_x, test_y = _data(3)
    raw = calibrated(weights, complaint_logits(weights, test_x * 4))  # type: ignore[arg-type]
    fixed = calibrated(tuned, complaint_logits(tuned, test_x * 4))

    def ece(p: np.ndarray) -> float:
        bins = np.minimum((p * 10).astype(int), 9)
        return float(sum(abs(p[bins == b].mean() - test_y[bins == b].mean()) * np.sum(bins == b)
                         for b in range(10) if np.any(bins == b)) / len(p))  # fmt: skip

    assert ece(fixed) < 0.05
    assert ece(fixed) <= ece(raw) + 1e-9


def test_thresholds_come_from_the_dev_split() -> None:
    x, y = _data(4)
    weights = calibrate(_fit(x, y), *_data(5))  # type: ignore[arg-type]
    threshold, likely = (float(t) for t in weights.thresholds)
    assert 0.05 <= likely < threshold <= 0.95
    dev_x, dev_y = _data(5)
    p = calibrated(weights, complaint_logits(weights, dev_x))
    assert np.mean(p[dev_y == 1] >= likely) >= LIKELY_RECALL - 0.01
    predictions = predict(weights, dev_x[:50])
    for prediction, probability in zip(predictions, p[:50], strict=True):
        assert prediction.complaint == (probability >= threshold)
        assert prediction.likely_complaint == (likely <= probability < threshold)


def test_corrections_move_the_shipped_weights_but_stay_close() -> None:
    x, y = _data(6)
    prior = calibrate(_fit(x, y), *_data(7))  # type: ignore[arg-type]
    # As `faldone nlp train` does: background examples plus 20 corrections weighing 3 each.
    background_x, background_y = _data(10, n=300)
    few_x, _ = _data(8, n=20)
    features = np.vstack([background_x, few_x])
    labels = np.concatenate(
        [background_y, np.ones(20, dtype=np.int64)]
    )  # the user says all 20 are complaints
    weight = np.concatenate([np.ones(300), np.full(20, 3.0)])
    unknown = np.full(320, -1, dtype=np.int64)
    adjusted = fit(features, labels, unknown, unknown, weight, l2=1e-1, steps=150, prior=prior)
    assert not np.allclose(adjusted.w_complaint, prior.w_complaint)
    assert np.array_equal(adjusted.mean, prior.mean) and np.array_equal(adjusted.thresholds, prior.thresholds)
    before = calibrated(prior, complaint_logits(prior, few_x)).mean()
    after = calibrated(adjusted, complaint_logits(adjusted, few_x)).mean()
    assert after > before
    # still the same model on other data: most decisions unchanged
    test_x, _ = _data(9)
    pairs = zip(predict(prior, test_x), predict(adjusted, test_x), strict=True)
    assert np.mean([a.complaint == b.complaint for a, b in pairs]) > 0.8
