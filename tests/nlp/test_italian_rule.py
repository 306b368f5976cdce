"""The Italian consumer rule: a lower floor for Italian texts the category head does not read as business."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlp.annotate import annotate_text
from nlp.classifier import SHIPPED_WEIGHTS, ClassifierWeights, load_weights, predict
from nlp.training import choose_italian_rule, featurize

# Written for this test (no evaluation text): a mild hotel complaint that scores below the threshold.
CONSUMER = "Il parcheggio era lontano e la stanza un po' piccola."


def test_shipped_weights_carry_a_rule_below_the_threshold() -> None:
    weights = load_weights()
    floor, share_max, tone_max = (float(v) for v in weights.italian_rule)
    assert 0.05 <= floor < float(weights.thresholds[0])
    assert 0.0 < share_max < 0.5 and tone_max <= 1.0


def test_an_italian_consumer_complaint_below_the_threshold_is_flagged() -> None:
    weights = load_weights()
    features = featurize([CONSUMER], [""])
    italian, english, unknown = (predict(weights, features, [lang])[0] for lang in ("it", "en", None))
    assert italian.complaint_probability < float(weights.thresholds[0])
    assert italian.complaint and italian.category == "complaint" and not italian.likely_complaint
    assert not english.complaint and not unknown.complaint  # the rule is Italian only
    assert annotate_text(CONSUMER).complaint


def test_italian_business_mail_keeps_the_threshold() -> None:
    annotations = annotate_text(
        "Buongiorno,\nin allegato la fattura n. 118 del 3 marzo di € 1.250,00. "
        "Pagamento a 30 giorni con bonifico.\nCordiali saluti",
        "Fattura n. 118",
    )
    assert annotations.language == "it" and not annotations.complaint


def _rows(p: list[float], share: list[float], tone: list[float], y: list[int]) -> tuple[np.ndarray, ...]:
    return np.array(p), np.array(share), np.array(tone), np.array(y)


def test_the_choice_adds_no_business_false_complaint() -> None:
    rng = np.random.default_rng(3)
    n = 200
    consumer_y = rng.integers(0, 2, n)
    consumer_p = np.where(consumer_y == 1, rng.uniform(0.2, 0.4, n), rng.uniform(0.02, 0.12, n))
    consumer_tone = np.where(consumer_y == 1, -0.5, 0.8)
    consumer = _rows(list(consumer_p), [0.05] * n, list(consumer_tone), list(consumer_y))
    # business non-complaints at the consumers' complaint scores, read as business mail
    business = _rows([0.3] * 50 + [0.9] * 10, [0.95] * 60, [-0.5] * 60, [0] * 50 + [1] * 10)
    floor, share_max, _ = choose_italian_rule(consumer, business, 0.46)  # type: ignore[arg-type]
    assert 0.12 < floor <= 0.22 and share_max < 0.95
    # the same business rows without a business reading: no rule may reach them
    unreadable = _rows([0.3] * 50 + [0.9] * 10, [0.05] * 60, [-0.5] * 60, [0] * 50 + [1] * 10)
    floor, *_ = choose_italian_rule(consumer, unreadable, 0.46)  # type: ignore[arg-type]
    assert floor > 0.3


def test_weights_written_before_the_rule_load_without_it(tmp_path: Path) -> None:
    with np.load(SHIPPED_WEIGHTS) as data:
        old = {name: data[name] for name in data.files if name != "italian_rule"}
    path = tmp_path / "classifier.npz"
    np.savez(path, **old)
    weights = ClassifierWeights.load(path)
    assert np.isinf(weights.italian_rule[0])
    features = featurize([CONSUMER], [""])
    assert not predict(weights, features, ["it"])[0].complaint
