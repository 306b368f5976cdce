"""How hybrid search merges its keyword and meaning rankings (`index.semantic`).

When the two agree — one of the `AGREEMENT_DOCS` best keyword documents is also among the
documents found by meaning — the keyword ranking is trusted and refined:

1. **Convex fusion of scores**: a document's score is `KEYWORD_SHARE` × its BM25 score
   divided by the best one, plus (1 − `KEYWORD_SHARE`) × the cosine of its best passage
   (0 for a document absent from a list).
2. **Pseudo-relevance feedback** (RM3-like, Lavrenko & Croft 2001): the `FEEDBACK_DOCS`
   best documents of that fusion that were also found by meaning lend the passage that
   matched best (the text the passage search returned: no document is read again); their
   `FEEDBACK_TERMS` most frequent words (each passage set weighted as one distribution,
   stop words out) are searched as one more ranked disjunction among the keyword hits
   alone, with the request's filters and scope, and its BM25 (over its best) is added ×
   `FEEDBACK_WEIGHT` to the
   keyword score of the keyword hits — the feedback re-ranks them; it adds no document and
   gives none found by meaning alone a keyword score.
3. The fusion is run again with that keyword score, and the best document by meaning is
   moved up to rank `MEANING_RANK` if it is lower: a document found by meaning alone is
   never buried under keyword hits.

When they do not agree (no keyword hit at all, or the best keyword hits are unrelated in
meaning: a sentence whose words match only incidental documents) the lists are merged by
reciprocal rank fusion (`RRF_K`), which interleaves their heads.

`KEYWORD_SHARE`, `FEEDBACK_DOCS`, `FEEDBACK_TERMS` and `FEEDBACK_WEIGHT` were chosen on
half A of Cranfield (odd query numbers) alone; `bench/semantic.py` reports half B and
bench/README.md the figures. `MEANING_RANK` and `AGREEMENT_DOCS` were set for office use,
not tuned (on Cranfield the meaning guarantee costs a little).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from index.query import ast
from index.query.stopwords import is_stop_word

__all__ = [
    "AGREEMENT_DOCS",
    "FEEDBACK_DOCS",
    "FEEDBACK_TERMS",
    "FEEDBACK_WEIGHT",
    "KEYWORD_SHARE",
    "MEANING_RANK",
    "RRF_K",
    "agree",
    "convex",
    "feedback_query",
    "feedback_terms",
    "promote",
    "reciprocal_rank",
    "with_feedback",
]

RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al. 2009)
KEYWORD_SHARE = 0.85
FEEDBACK_DOCS = 2
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 2.0
AGREEMENT_DOCS = 3
MEANING_RANK = 5

_LETTERS = re.compile(r"[^\W\d_]{3,}")  # words of three letters or more (l'ufficio -> ufficio)

Ranking = list[tuple[str, float]]


def reciprocal_rank(keyword: Sequence[str], meaning: Sequence[str]) -> Ranking:
    """Reciprocal rank fusion of two rankings, weights 1:1."""
    scores: dict[str, float] = {}
    for ranking in (keyword, meaning):
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def agree(keyword: Sequence[str], meaning: Mapping[str, float]) -> bool:
    """Whether one of the best keyword documents was also found by meaning."""
    return any(doc_id in meaning for doc_id in keyword[:AGREEMENT_DOCS])


def convex(keyword: Mapping[str, float], meaning: Mapping[str, float]) -> Ranking:
    """`KEYWORD_SHARE` of the keyword score over its best, the rest of the cosine."""
    best = max(keyword.values(), default=0.0)
    scale = KEYWORD_SHARE / best if best > 0 else 0.0
    scores = {doc_id: scale * score for doc_id, score in keyword.items()}
    for doc_id, similarity in meaning.items():
        scores[doc_id] = scores.get(doc_id, 0.0) + (1 - KEYWORD_SHARE) * similarity
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def feedback_terms(order: Sequence[str], passages: Mapping[str, str]) -> list[str]:
    """The `FEEDBACK_TERMS` words most used in the passages of the first `FEEDBACK_DOCS`
    documents of `order` that have one (each passage's words a distribution)."""
    weights: dict[str, float] = {}
    chosen = [doc_id for doc_id in order if passages.get(doc_id)][:FEEDBACK_DOCS]
    for doc_id in chosen:
        found = (word.lower() for word in _LETTERS.findall(passages[doc_id]))
        words = [word for word in found if not is_stop_word(word)]
        for word, count in Counter(words).items():
            weights[word] = weights.get(word, 0.0) + count / len(words)
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked[:FEEDBACK_TERMS]]


def feedback_query(terms: Sequence[str]) -> ast.Node | None:
    """The feedback words as a ranked disjunction (None without words)."""
    if not terms:
        return None
    nodes = tuple(ast.Term(term) for term in terms)
    return nodes[0] if len(nodes) == 1 else ast.Or(nodes)


def with_feedback(keyword: Mapping[str, float], feedback: Mapping[str, float]) -> dict[str, float]:
    """Keyword scores (over their best) plus `FEEDBACK_WEIGHT` × feedback scores (over their
    best), for the keyword hits alone: a document found by meaning alone gets none."""
    top = max(keyword.values(), default=0.0) or 1.0
    top_feedback = max(feedback.values(), default=0.0) or 1.0
    return {
        doc_id: score / top + FEEDBACK_WEIGHT * feedback.get(doc_id, 0.0) / top_feedback
        for doc_id, score in keyword.items()
    }


def promote(ranking: Ranking, doc_id: str | None) -> Ranking:
    """`ranking` with `doc_id` moved up to rank `MEANING_RANK` if it is lower (its score
    raised to that of the document it passes, so scores stay in order)."""
    ids = [item[0] for item in ranking]
    if doc_id is None or doc_id not in ids or ids.index(doc_id) < MEANING_RANK:
        return ranking
    rest = [item for item in ranking if item[0] != doc_id]
    place = MEANING_RANK - 1
    return [*rest[:place], (doc_id, rest[place][1]), *rest[place:]]
