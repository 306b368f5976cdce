"""Document category from weighted cues (Italian and English).

Categories: complaint, information_request, invoice_payment, order_delivery,
contract_legal, newsletter_marketing, other. A document whose complaint
probability reaches the complaint threshold is a complaint whatever else it
mentions; otherwise the category with the highest cue score wins, provided it
reaches `MIN_SCORE`. Cues live in `data/category_cues.tsv`. The Annotator feeds
the cue scores to the embedding classifier (`nlp.classifier`) as features and
uses `categorize` only when the sentence encoder is not installed.
"""

from __future__ import annotations

from nlp._lexicon import Cue, compile_cue, read_rows
from nlp.complaint import COMPLAINT_THRESHOLD

__all__ = ["CATEGORIES", "MIN_SCORE", "categorize", "category_cue_scores"]

CATEGORIES = (
    "complaint",
    "information_request",
    "invoice_payment",
    "order_delivery",
    "contract_legal",
    "newsletter_marketing",
    "other",
)
MIN_SCORE = 2.0
_SUBJECT_FACTOR = 2.0
_MAX_CHARS = 20_000
_QUESTION_WEIGHT = 0.5  # per question mark, at most two: a question is a weak request cue

_CUES: tuple[Cue, ...] = tuple(
    (category, float(weight), compile_cue(pattern))
    for category, weight, pattern in read_rows("category_cues.tsv")
)


def _scores(text: str) -> dict[str, float]:
    scores = dict.fromkeys(CATEGORIES, 0.0)
    for category, weight, pattern in _CUES:
        if pattern.search(text):
            scores[category] += weight
    scores["information_request"] += _QUESTION_WEIGHT * min(text.count("?"), 2)
    return scores


def category_cue_scores(text: str, subject: str) -> dict[str, float]:
    """Cue score of every category for the text and its e-mail subject (subject cues count more)."""
    body, head = _scores(text[:_MAX_CHARS]), _scores(subject)
    return {category: body[category] + _SUBJECT_FACTOR * head[category] for category in CATEGORIES}


def categorize(text: str, subject: str, complaint_prob: float) -> str:
    """One of `CATEGORIES` for the text and its e-mail subject, from cues alone."""
    if complaint_prob >= COMPLAINT_THRESHOLD:
        return "complaint"
    totals = category_cue_scores(text, subject)
    best = max(CATEGORIES, key=lambda category: totals[category])
    return best if totals[best] >= MIN_SCORE else "other"
