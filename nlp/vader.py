"""VADER's `polarity_scores` without its emoji pass where a sentence has no emoji.

`SentimentIntensityAnalyzer.polarity_scores` first rebuilds every sentence character by
character, one Python string append each, to put a description in place of each emoji;
a sentence without one comes out unchanged, and that pass was about a third of VADER's
CPU on the NLP throughput bench's texts. `Vader.polarity_scores` skips it when no
character of the sentence is an emoji of VADER's list (its one-character entries are the
only ones that pass compares with) and then does what the original does after it;
a sentence with an emoji goes through the original. Same scores either way
(`tests/nlp/test_vader.py` compares them on real text).
"""

from __future__ import annotations

from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

__all__ = ["Vader"]


class Vader(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """VADER's analyzer, with the emoji pass only for sentences that hold an emoji."""

    def __init__(self) -> None:
        super().__init__()
        self._emoji_characters = frozenset(key for key in self.emojis if len(key) == 1)

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not self._emoji_characters.isdisjoint(text):
            scores: dict[str, float] = super().polarity_scores(text)
            return scores
        # From here on, the body of vaderSentiment 3.3.2's polarity_scores after the emoji pass.
        text = text.strip()
        sentitext = SentiText(text)
        sentiments: list[float] = []
        words_and_emoticons = sentitext.words_and_emoticons
        for i, item in enumerate(words_and_emoticons):
            valence = 0
            if item.lower() in BOOSTER_DICT:
                sentiments.append(valence)
                continue
            if (
                i < len(words_and_emoticons) - 1
                and item.lower() == "kind"
                and words_and_emoticons[i + 1].lower() == "of"
            ):
                sentiments.append(valence)
                continue
            sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        out: dict[str, float] = self.score_valence(sentiments, text)
        return out
