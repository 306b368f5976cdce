"""Sentiment in [-1, 1]: VADER for English, the project's own lexicon for Italian.

Greetings, polite closings and signatures are left out (`nlp.reading`): "thank you
for your attention" closes complaints and praise alike, and must not make a
complaint look positive. Both are scored sentence by sentence (VADER is built for sentences; a long letter
summed as one sentence saturates at +-1) and the document's score is the mean of
its non-neutral sentences. Other languages and undetected text score 0.0.

The Italian scorer follows VADER's scheme: weights from `data/sentiment_it.tsv`,
a negator among the four words before flips and damps a weight ("non", "mai",
"nessun", "senza"), intensifiers scale it ("molto", "davvero"), "ma"/"però"
shifts weight to the clause after it, exclamation marks amplify.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from nlp._lexicon import read_rows
from nlp.reading import content_sentences
from nlp.vader import Vader

__all__ = ["MAX_CHARS", "italian_lexicon", "sentiment_score"]

MAX_CHARS = 20_000  # a 100-page contract has no single mood; its opening pages decide
_WORD = re.compile(r"[^\W\d_]+")
_NEGATORS = frozenset({"non", "mai", "nessun", "nessuno", "nessuna", "senza", "né", "neanche", "nemmeno"})
_BOOSTERS: dict[str, float] = {
    "molto": 1.3, "troppo": 1.3, "estremamente": 1.5, "davvero": 1.3, "veramente": 1.3,
    "assolutamente": 1.4, "particolarmente": 1.25, "così": 1.2, "tanto": 1.2, "super": 1.3,
    "proprio": 1.15, "decisamente": 1.3, "totalmente": 1.4, "completamente": 1.4,
    "abbastanza": 0.8, "piuttosto": 0.85, "leggermente": 0.6,
}  # fmt: skip
_CONTRAST = frozenset({"ma", "però", "tuttavia", "eppure"})
_NEGATION_WINDOW = 4  # Italian needs one more than VADER: "non sono per niente soddisfatto"
_NEGATION_FACTOR = -0.74  # VADER's constant: "non buono" is less bad than "cattivo" is bad
_ALPHA = 15.0  # VADER's normalisation constant


@lru_cache(maxsize=1)
def italian_lexicon() -> tuple[dict[str, float], dict[str, float]]:
    """(exact words, prefix stems) of the Italian lexicon shipped in `nlp/data`."""
    exact: dict[str, float] = {}
    stems: dict[str, float] = {}
    for term, weight in read_rows("sentiment_it.tsv"):
        if term.endswith("*"):
            stems[term[:-1]] = float(weight)
        else:
            exact[term] = float(weight)
    return exact, stems


@lru_cache(maxsize=1)
def _vader() -> Vader:
    return Vader()


def _italian_weight(word: str, exact: dict[str, float], stems: dict[str, float]) -> float:
    if word in exact:
        return exact[word]
    for end in range(len(word), 2, -1):
        weight = stems.get(word[:end])
        if weight is not None:
            return weight
    return 0.0


def _italian_sentence(sentence: str) -> float:
    exact, stems = italian_lexicon()
    words = _WORD.findall(sentence.lower())
    contrast_at = next((i for i, w in enumerate(words) if w in _CONTRAST), None)
    total = 0.0
    for i, word in enumerate(words):
        weight = _italian_weight(word, exact, stems)
        if weight == 0.0:
            continue
        if i > 0 and words[i - 1] in _BOOSTERS:
            weight *= _BOOSTERS[words[i - 1]]
        if i > 0 and words[i - 1] == "poco" and weight > 0:  # "poco chiaro" means unclear
            weight *= -0.5
        if any(w in _NEGATORS for w in words[max(0, i - _NEGATION_WINDOW) : i]):
            weight *= _NEGATION_FACTOR
        if contrast_at is not None:
            weight *= 0.5 if i < contrast_at else 1.5
        total += weight
    if total and "!" in sentence:
        total += math.copysign(0.3 * min(sentence.count("!"), 3), total)
    return total / math.sqrt(total * total + _ALPHA)


def _english_sentence(sentence: str) -> float:
    return float(_vader().polarity_scores(sentence)["compound"])


def sentiment_score(text: str, language: str | None) -> float:
    """Mean sentiment of the non-neutral sentences of `text`, in [-1, 1]."""
    if language == "it":
        scorer = _italian_sentence
    elif language == "en":
        scorer = _english_sentence
    else:
        return 0.0
    scores = [scorer(s) for s in content_sentences(text[:MAX_CHARS])]
    scores = [s for s in scores if s != 0.0]
    if not scores:
        return 0.0
    return max(-1.0, min(1.0, sum(scores) / len(scores)))
