"""Train the shipped classifier weights on real data, calibrate them on the dev split.

    .venv/bin/python bench/nlp_complaint_train.py     # writes nlp/data/classifier.npz

Training: the `train` set of `bench/nlp_complaint_data.py` (CFPB narratives, mailing-list
and for-sale posts, BANKING77 customer messages; English only) plus the templated
back-office examples of `nlp/data/training/examples.jsonl` (train split; Italian and
English, a supplement for the categories). Calibration and thresholds: the `dev` set
(the same real sources, other rows). No evaluation text (`external_*`, the templated
test split) is read here. Sentiment labels of the real rows are weak: a complaint
narrative or a problem report is "negative", every other real row "neutral" (none of
these sources labels tone); the templated rows keep their own sentiment labels.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.nlp_complaint_data import cached_features, load
from nlp.classifier import SHIPPED_WEIGHTS, ClassifierWeights
from nlp.training import Example, calibrate, load_examples, train


def real_examples(rows: list[dict[str, Any]]) -> list[Example]:
    """Examples of cached rows (no subject: these sources have none)."""
    return [
        Example(
            text=r["text"],
            complaint=int(r["label"]),
            category=r["category"],
            sentiment="negative" if r["label"] else "neutral",
            language=r["lang"],
            split="real",
        )
        for r in rows
    ]


def train_shipped() -> tuple[ClassifierWeights, dict[str, Any]]:
    """Fit on train (real + templated), calibrate on dev; return the weights and a summary."""
    real = real_examples(load("train"))
    templated = load_examples(split="train")
    examples = real + templated
    features = np.vstack([
        cached_features([e.text for e in real], [e.subject for e in real]),
        cached_features([e.text for e in templated], [e.subject for e in templated]),
    ])  # fmt: skip
    weights = train(examples, features=features)
    dev = load("dev")
    dev_features = cached_features([r["text"] for r in dev], ["" for _ in dev])
    weights = calibrate(weights, dev_features, np.array([r["label"] for r in dev]))
    summary = {
        "train_real": len(real),
        "train_templated": len(templated),
        "dev": len(dev),
        "calibration": [round(float(v), 4) for v in weights.calibration],
        "thresholds": [round(float(v), 3) for v in weights.thresholds],
    }
    return weights, summary


def main() -> None:
    weights, summary = train_shipped()
    weights.save(SHIPPED_WEIGHTS)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
