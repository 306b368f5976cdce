"""Features of the complaint/category/sentiment classifier: embedding + lexicon.

A row is the document's sentence embedding (`nlp.embedding`, 512 numbers) followed
by `LEXICON_FEATURES`: the lexicon sentiment, split into its negative and positive
parts, the complaint cue score, the cue score of each category and the number of
question marks. The cues catch what embeddings of a short head can blur ("diffida",
"messa in mora", "unsubscribe"); the embedding catches what no cue list names.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nlp.category import CATEGORIES, category_cue_scores
from nlp.complaint import complaint_cue_score, is_explicit_complaint
from nlp.reading import mask_artefacts

__all__ = ["LEXICON_FEATURES", "feature_matrix", "lexicon_features"]

LEXICON_FEATURES = (
    "sentiment_negative",
    "sentiment_positive",
    "complaint_cues",
    "explicit_complaint",
    *(f"cues_{category}" for category in CATEGORIES),
    "questions",
)
_MAX_CHARS = 20_000  # cues are cheap: the whole of a letter, the first pages of a contract


def lexicon_features(text: str, subject: str, sentiment: float) -> list[float]:
    """The lexicon part of a feature row, in the order of `LEXICON_FEATURES`."""
    head = mask_artefacts(text[:_MAX_CHARS])
    cues = category_cue_scores(head, subject)
    return [
        max(0.0, -sentiment),
        max(0.0, sentiment),
        complaint_cue_score(head, subject),
        float(is_explicit_complaint(head, subject)),
        *(cues[category] for category in CATEGORIES),
        float(min(head.count("?") + subject.count("?"), 3)),
    ]


def feature_matrix(
    embeddings: npt.NDArray[np.float32], lexicon: list[list[float]]
) -> npt.NDArray[np.float64]:
    """Rows of embedding and lexicon features side by side."""
    lex = np.asarray(lexicon, dtype=np.float64).reshape(len(lexicon), len(LEXICON_FEATURES))
    return np.hstack([embeddings.astype(np.float64), lex])
