"""Language detection with py3langid, returning ISO 639-1 codes ("it", "en", ...).

The classifier is restricted to the languages a European back office receives,
so short business text is not taken for Latin or Maltese. Italian and English are
the languages the rest of the pipeline treats specially, so when the winner is
another language by a thin margin and Italian or English is close behind, the
latter is returned. Text with fewer than `MIN_LETTERS` letters gives None.
"""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

__all__ = ["LANGUAGES", "MIN_LETTERS", "detect_language"]

LANGUAGES = (
    "it", "en", "fr", "de", "es", "pt", "nl", "ro", "pl", "cs", "sk", "sl", "hr", "hu",
    "el", "sv", "da", "no", "fi", "ru", "uk", "bg", "sq", "tr", "ar", "zh", "ja",
)  # fmt: skip
MIN_LETTERS = 12
_PREFERRED = ("it", "en")
_MARGIN = 0.25  # a runner-up it/en within this probability of the winner is preferred
_SAMPLE = 5000  # characters: language is settled long before, and langid is linear in length
_NOISE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|[\d_]+")
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of `text`, or None when there is too little text."""
    sample = _NOISE.sub(" ", text[:_SAMPLE])
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    ranking: list[tuple[str, float]] = _identifier().rank(sample)
    best, best_prob = ranking[0]
    if best in _PREFERRED:
        return best
    for lang, prob in ranking[1:]:
        if lang in _PREFERRED and best_prob - prob <= _MARGIN:
            return lang
    return best
