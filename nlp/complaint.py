"""Complaint probability from weighted cues (Italian and English) and sentiment.

A logistic model by hand: z = bias + cue weights + sentiment term, p = 1/(1+e^-z).
Formal complaints ("diffida", "messa in mora", "formal complaint") carry no
emotion, so the cues alone must cross 0.5; anger alone ("pessimo servizio")
needs a cue or strongly negative sentiment. Cues in the subject count more.
Marketing and thank-you cues push the other way. The Annotator feeds the cue
score to the embedding classifier (`nlp.classifier`) as a feature and uses
`complaint_probability` only when the sentence encoder is not installed.
"""

from __future__ import annotations

import math

from nlp._lexicon import CuePattern, compile_cue, read_rows

__all__ = [
    "COMPLAINT_THRESHOLD",
    "complaint_cue_score",
    "complaint_probability",
    "is_complaint",
    "is_explicit_complaint",
    "is_informal_complaint",
]

COMPLAINT_THRESHOLD = 0.5
_BIAS = -3.0
_SUBJECT_FACTOR = 1.5
_NEGATIVE_WEIGHT = 2.5  # per unit of negative sentiment
_POSITIVE_WEIGHT = 1.5  # per unit of positive sentiment
_MAX_CUE_TOTAL = 8.0

_PATTERNS: tuple[tuple[float, CuePattern], ...] = tuple(
    (float(weight), compile_cue(pattern)) for weight, pattern in read_rows("complaint_cues.tsv")
)
_MAX_CHARS = 20_000  # what decides a complaint is in the first pages
_EXPLICIT: tuple[CuePattern, ...] = tuple(compile_cue(row[0]) for row in read_rows("explicit_complaint.tsv"))


_INFORMAL: tuple[CuePattern, ...] = tuple(compile_cue(row[0]) for row in read_rows("informal_complaint.tsv"))


def is_informal_complaint(text: str, subject: str = "") -> bool:
    """Informal Italian complaint formulas ("sconsiglio", "mai più", "non carica"); see the data file."""
    head = text[:_MAX_CHARS]
    return any(p.search(subject) or p.search(head) for p in _INFORMAL)


def is_explicit_complaint(text: str, subject: str = "") -> bool:
    """The writer says it is a complaint, a formal dispute or a legal warning ("reclamo", "formal complaint").

    See `nlp/data/explicit_complaint.tsv`."""
    head = text[:_MAX_CHARS]
    return any(p.search(subject) or p.search(head) for p in _EXPLICIT)


def _cue_score(text: str) -> float:
    return sum(weight for weight, pattern in _PATTERNS if pattern.search(text))


def complaint_cue_score(text: str, subject: str) -> float:
    """Weighted complaint cues of the text plus those of the subject (which count more), capped."""
    return min(_cue_score(text[:_MAX_CHARS]) + _SUBJECT_FACTOR * _cue_score(subject), _MAX_CUE_TOTAL)


def complaint_probability(text: str, subject: str, sentiment: float) -> float:
    """Probability in [0, 1] that the text (with its e-mail subject) is a complaint (cues only)."""
    cues = complaint_cue_score(text, subject)
    z = _BIAS + min(cues, _MAX_CUE_TOTAL)
    z += _NEGATIVE_WEIGHT * max(0.0, -sentiment) - _POSITIVE_WEIGHT * max(0.0, sentiment)
    return 1.0 / (1.0 + math.exp(-z))


def is_complaint(probability: float) -> bool:
    """The complaint flag: true from `COMPLAINT_THRESHOLD` up."""
    return probability >= COMPLAINT_THRESHOLD
