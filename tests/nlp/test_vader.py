"""`nlp.vader.Vader`: VADER's scores, with the emoji pass only where a sentence has an emoji."""

from __future__ import annotations

import json
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from nlp.reading import content_sentences
from nlp.vader import Vader


def test_scores_are_vaders_on_real_sentences(corpus: Path) -> None:
    """Every sentence the stage scores of the English dev texts of nlp-corpus, and the same
    sentences with an emoji added (those go through VADER's own emoji pass)."""
    rows = (corpus.parent / "nlp-corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line) for line in rows if line.strip()]
    sentences = [s for row in texts if row["lang"] == "en" for s in content_sentences(row["text"])]
    sentences += [f"{s} 😠" for s in sentences[::10]] + [f"☹️ {s}" for s in sentences[::25]]
    assert len(sentences) > 3000
    vader, original = Vader(), SentimentIntensityAnalyzer()
    non_neutral = 0
    for sentence in sentences:
        scores = vader.polarity_scores(sentence)
        assert scores == original.polarity_scores(sentence), sentence
        non_neutral += scores["compound"] != 0.0
    assert non_neutral > 1000  # scores were compared, not only zeros


def test_an_emoji_still_counts() -> None:
    vader = Vader()
    assert vader.polarity_scores("the parcel arrived 😠")["compound"] < 0.0
    assert vader.polarity_scores("the parcel arrived")["compound"] == 0.0
