"""Complaint and sentiment on real text from sources the model never saw (called by bench/nlp.py).

    .venv/bin/python bench/nlp_complaint.py [--json-only]   # this part alone

Needs the cache of `bench/nlp_complaint_data.py` (built on first use from the fetched
mirrors and ../shared; see that file). Sets:

- **external EN**: 3,449 English tweets to companies annotated complaint / not complaint
  (Preotiuc-Pietro et al. 2019). No training or dev text comes from that data set.
- **external IT**: the 2,900 Italian ABSITA hotel-review sentences of ../shared/nlp-corpus
  (negative aspects only = complaint). None of them is trained on; the only real Italian
  training text is a few hundred TripAdvisor.it restaurant reviews (Rome), checked for
  duplicates against these sentences.
- **dev**: the dev split of the training sources (reported for comparison; it is not an
  external figure), whole and split into the earlier sources (CFPB, lists, for-sale,
  BANKING77) and the added ones (reviews, customer-care agents).

For each: precision, recall, F1 at the shipped threshold, confusion matrix, bootstrap
95% intervals (1,000 resamples), ROC AUC of the stored sentiment (more negative = more
likely a complaint) against the complaint label, a reliability curve of the calibrated
probability, and the "likely complaint" band. Then: recall on real complaints that name
the act (complain / complaint / reclamo / contestazione / diffida), category accuracy on
real labelled categories, and the learning curve of `faldone nlp train` (F1 on one half
of an external set after 0/50/100/200 corrections drawn from its other half).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.nlp_complaint_data import cached_features, load
from nlp.annotate import classified
from nlp.classifier import ClassifierWeights, load_weights, predict
from nlp.features import LEXICON_FEATURES
from nlp.training import CORRECTION_WEIGHT, Example, load_examples, train

BOOTSTRAP = 1000
SEED = 20261202
CURVE_STEPS = (0, 50, 100, 200)
CURVE_SEEDS = 3
# Independent of the shipped explicit-complaint rule: plain words that name the act.
NAMES_THE_ACT = re.compile(r"complain|reclam[oi]\b|contestazion|diffid", re.IGNORECASE)
_NEG = LEXICON_FEATURES.index("sentiment_negative") - len(LEXICON_FEATURES)
_POS = LEXICON_FEATURES.index("sentiment_positive") - len(LEXICON_FEATURES)


def _prf(y: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(p & y))
    precision = tp / float(np.sum(p)) if np.sum(p) else 0.0
    recall = tp / float(np.sum(y)) if np.sum(y) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (ties count half), by ranks."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positives = int(np.sum(labels))
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    return float(
        (np.sum(ranks[labels.astype(bool)]) - positives * (positives + 1) / 2) / (positives * negatives)
    )


def _interval(values: list[float]) -> list[float]:
    return [round(float(np.percentile(values, 2.5)), 3), round(float(np.percentile(values, 97.5)), 3)]


def _scores(weights: ClassifierWeights, rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """What the NLP stage would store for each row: probability, flags, sentiment."""
    features = cached_features([r["text"] for r in rows], ["" for _ in rows])
    predictions = predict(weights, features, [r["lang"] for r in rows])
    out: dict[str, list[float]] = {
        "probability": [],
        "complaint": [],
        "likely": [],
        "sentiment": [],
        "category": [],
    }
    categories: list[str] = []
    for row, feature, prediction in zip(rows, features, predictions, strict=True):
        lexicon = float(feature[_POS] - feature[_NEG])
        ann = classified(row["text"], "", row["lang"], lexicon, prediction)
        out["probability"].append(ann.complaint_probability)
        out["complaint"].append(float(ann.complaint))
        out["likely"].append(float(prediction.likely_complaint and not ann.complaint))
        out["sentiment"].append(ann.sentiment)
        categories.append(ann.category)
    arrays = {k: np.array(v) for k, v in out.items() if k != "category"}
    arrays["category"] = np.array(categories)
    return arrays


def evaluate(weights: ClassifierWeights, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one labelled set."""
    s = _scores(weights, rows)
    y = np.array([int(r["label"]) for r in rows]).astype(bool)
    flagged = s["complaint"].astype(bool)
    precision, recall, f1 = _prf(y, flagged)
    negativity = -s["sentiment"]
    rng = np.random.default_rng(SEED)
    boot: dict[str, list[float]] = {"precision": [], "recall": [], "f1": [], "sentiment_auc": []}
    for _ in range(BOOTSTRAP):
        idx = rng.integers(0, len(rows), len(rows))
        p, r, f = _prf(y[idx], flagged[idx])
        boot["precision"].append(p)
        boot["recall"].append(r)
        boot["f1"].append(f)
        boot["sentiment_auc"].append(roc_auc(y[idx], negativity[idx]))
    reliability: list[dict[str, Any]] = []
    edges = np.linspace(0.0, 1.0, 11)
    for lo, hi in itertools.pairwise(edges):
        inside = (s["probability"] >= lo) & ((s["probability"] < hi) | (hi == 1.0))
        if inside.any():
            reliability.append({
                "bin": f"{lo:.1f}-{hi:.1f}",
                "mean_probability": round(float(s["probability"][inside].mean()), 3),
                "complaint_share": round(float(y[inside].mean()), 3),
                "count": int(inside.sum()),
            })  # fmt: skip
    ece = sum(b["count"] * abs(b["mean_probability"] - b["complaint_share"]) for b in reliability) / len(rows)
    likely = s["likely"].astype(bool)
    return {
        "texts": len(rows),
        "complaints": int(y.sum()),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "intervals": {k: _interval(v) for k, v in boot.items()},
        "confusion": {
            "tn": int(np.sum(~y & ~flagged)),
            "fp": int(np.sum(~y & flagged)),
            "fn": int(np.sum(y & ~flagged)),
            "tp": int(np.sum(y & flagged)),
        },
        "sentiment_auc": round(roc_auc(y, negativity), 3),
        "probability_auc": round(roc_auc(y, s["probability"]), 3),
        "likely_complaint": {"texts": int(likely.sum()), "of_them_complaints": int(np.sum(likely & y))},
        "reliability": reliability,
        "expected_calibration_error": round(float(ece), 3),
    }


def act_naming_recall(weights: ClassifierWeights, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall on real complaints whose text names the act (an independent word list)."""
    chosen = [r for r in rows if r["label"] == 1 and NAMES_THE_ACT.search(r["text"])]
    if not chosen:
        return {"texts": 0}
    flagged = _scores(weights, chosen)["complaint"].astype(bool)
    return {
        "texts": len(chosen),
        "recall": round(float(flagged.mean()), 3),
        "missed": [r["text"][:160] for r, f in zip(chosen, flagged, strict=True) if not f][:5],
    }


def categories(weights: ClassifierWeights, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Category accuracy per source domain on rows with a real category label."""
    labelled = [r for r in rows if r["category"]]
    predicted = _scores(weights, labelled)["category"]
    out: dict[str, Any] = {}
    for domain in sorted({r["domain"] for r in labelled}):
        idx = [i for i, r in enumerate(labelled) if r["domain"] == domain]
        hits = sum(1 for i in idx if predicted[i] == labelled[i]["category"])
        out[domain] = {"texts": len(idx), "accuracy": round(hits / len(idx), 3),
                       "gold": sorted({labelled[i]["category"] for i in idx})}  # fmt: skip
    return out


def _half(row: dict[str, Any]) -> int:
    return int(__import__("hashlib").sha256(f"curve:{row['id']}".encode()).hexdigest(), 16) % 2


def learning_curve(weights: ClassifierWeights, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """F1 on one half of a new-domain set after n corrections from its other half (median of seeds)."""
    pool = [r for r in rows if _half(r) == 0]
    test = [r for r in rows if _half(r) == 1]
    templated = load_examples(split="train")
    templated_features = cached_features([e.text for e in templated], [e.subject for e in templated])
    pool_features = cached_features([r["text"] for r in pool], ["" for _ in pool])
    y = np.array([int(r["label"]) for r in test]).astype(bool)
    test_features = cached_features([r["text"] for r in test], ["" for _ in test])
    points = []
    for n in CURVE_STEPS:
        f1s = []
        for seed in range(CURVE_SEEDS if n else 1):
            if n == 0:
                adjusted = weights
            else:
                picked = random.Random(SEED + seed).sample(range(len(pool)), n)
                corrections = [
                    Example(text=pool[i]["text"], complaint=int(pool[i]["label"]),
                            category="complaint" if pool[i]["label"] else None, weight=CORRECTION_WEIGHT)
                    for i in picked
                ]  # fmt: skip
                features = np.vstack([templated_features, pool_features[picked]])
                adjusted = train(templated + corrections, prior=weights, features=features)
            languages = [r["lang"] for r in test]
            flagged = np.array([p.complaint for p in predict(adjusted, test_features, languages)])
            f1s.append(_prf(y, flagged)[2])
        points.append({"corrections": n, "f1": round(float(np.median(f1s)), 3), "runs": len(f1s)})
    return {"pool": len(pool), "test": len(test), "points": points}


# The dev rows of the sources trained on before the review and customer-care sources were
# added (issue 14, second session): the figure comparable with earlier runs.
PREVIOUS_DOMAINS = frozenset({"cfpb", "mailing-list", "20ng-forsale", "banking77"})


def run(models_dir: Path | None = None) -> dict[str, Any]:
    weights = load_weights(models_dir)
    external_en, external_it, dev = load("external_en"), load("external_it"), load("dev")
    previous = [r for r in dev if r["domain"] in PREVIOUS_DOMAINS]
    added = [r for r in dev if r["domain"] not in PREVIOUS_DOMAINS]
    return {
        "thresholds": {
            "complaint": round(float(weights.thresholds[0]), 3),
            "likely_complaint": round(float(weights.thresholds[1]), 3),
        },
        "external_en": evaluate(weights, external_en),
        "external_it": evaluate(weights, external_it),
        "dev_same_sources": evaluate(weights, dev),
        "dev_previous_sources": evaluate(weights, previous),
        "dev_added_sources": evaluate(weights, added) if added else None,
        "names_the_act": act_naming_recall(weights, external_en + external_it + dev),
        "categories_dev": categories(weights, dev),
        "learning_curve_en": learning_curve(weights, external_en),
        "learning_curve_it": learning_curve(weights, external_it),
    }


def markdown(result: dict[str, Any]) -> str:
    """The figures as markdown tables."""
    lines = [f"## Complaints on real text (thresholds {result['thresholds']})", ""]
    lines += ["| set | texts (complaints) | precision | recall | **F1** [95% CI] | sentiment AUC [95% CI] "
              "| probability AUC | ECE | tn fp fn tp |", "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    names = {"external_en": "external EN (complaint tweets)", "external_it": "external IT (ABSITA sentences)",
             "dev_same_sources": "dev split of the training sources (not external)",
             "dev_previous_sources": "- of it: CFPB, mailing lists, for-sale, BANKING77",
             "dev_added_sources": "- of it: TripAdvisor IT, Yelp EN, care agents EN"}  # fmt: skip
    names = {key: name for key, name in names.items() if result.get(key)}
    for key, name in names.items():
        r = result[key]
        c = r["confusion"]
        lines.append(
            f"| {name} | {r['texts']} ({r['complaints']}) | {r['precision']} | {r['recall']} "
            f"| **{r['f1']}** {r['intervals']['f1']} "
            f"| {r['sentiment_auc']} {r['intervals']['sentiment_auc']} "
            f"| {r['probability_auc']} | {r['expected_calibration_error']} "
            f"| {c['tn']} {c['fp']} {c['fn']} {c['tp']} |"
        )
    lines += [
        "",
        "Reliability (calibrated probability bins: mean probability → observed complaint share, count):",
        "",
    ]
    for key, name in names.items():
        bins = ", ".join(f"{b['mean_probability']}→{b['complaint_share']} ({b['count']})"
                         for b in result[key]["reliability"])  # fmt: skip
        lines.append(f"- {name}: {bins}")
    act = result["names_the_act"]
    lines += ["", f"Complaints that name the act (complain/complaint/reclamo/contestazione/diffida): "
              f"{act.get('texts')} real texts, recall {act.get('recall')}.", ""]  # fmt: skip
    lines += ["Category accuracy on the dev split (real labels):", ""]
    for domain, r in result["categories_dev"].items():
        lines.append(f"- {domain}: {r['accuracy']} on {r['texts']} texts (gold {', '.join(r['gold'])})")
    for key in ("learning_curve_en", "learning_curve_it"):
        curve = result[key]
        points = ", ".join(f"{p['corrections']} → {p['f1']}" for p in curve["points"])
        lines += [
            "",
            f"Learning curve {key[-2:].upper()} (corrections → F1 on {curve['test']} held-back texts, "
            f"median of {CURVE_SEEDS} draws): {points}",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json-only", action="store_true")
    parser.add_argument("--models-dir", type=Path, help="evaluate MODELS_DIR/classifier.npz instead")
    args = parser.parse_args()
    result = run(args.models_dir)
    if not args.json_only:
        print(markdown(result))
        print()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
