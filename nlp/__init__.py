"""NLP: language, entities, complaint, sentiment, category, customers, corrections.

Pure functions of text in, `core.document.Annotations` out; models load once per
process behind cached loaders. The stage's entry point is `Annotator`.
"""

from __future__ import annotations

from nlp.annotate import Annotator, annotate_text
from nlp.category import CATEGORIES, categorize
from nlp.complaint import complaint_probability
from nlp.corrections import apply_corrections
from nlp.errors import ModelNotAvailableError, NlpError
from nlp.language import detect_language
from nlp.sentiment import sentiment_score

__all__ = [
    "CATEGORIES",
    "Annotator",
    "ModelNotAvailableError",
    "NlpError",
    "annotate_text",
    "apply_corrections",
    "categorize",
    "complaint_probability",
    "detect_language",
    "sentiment_score",
]
