"""The stop words written out for query planning are exactly the ones tantivy's analyzers drop."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tantivy

from index.query.stopwords import STOP_WORDS, is_stop_word


def _analyzer(language: str) -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword(language))
        .build()
    )


def _vocabulary(nlp_corpus: Path) -> set[str]:
    """Every word of the real Italian and English texts of ../shared/nlp-corpus."""
    words: set[str] = set()
    for path in sorted(nlp_corpus.rglob("*")):
        if path.is_file() and path.suffix in {".txt", ".tsv", ".csv", ".jsonl", ".json", ".conll", ".md"}:
            words |= set(re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8", errors="ignore").lower()))
    return words


@pytest.mark.parametrize("language", sorted(STOP_WORDS))
def test_the_lists_are_the_analyzers_lists(language: str, corpus: Path) -> None:
    analyzer = _analyzer(language)
    listed = STOP_WORDS[language]
    assert all(analyzer.analyze(word) == [] for word in listed)
    vocabulary = _vocabulary(corpus.parent / "nlp-corpus")
    assert len(vocabulary) > 10_000
    dropped = {word for word in vocabulary if analyzer.analyze(word) == []}
    assert dropped <= listed


def test_a_text_is_a_stop_word_when_every_token_is() -> None:
    assert is_stop_word("The") and is_stop_word("dell'") and is_stop_word("perché")
    assert not is_stop_word("state-of-the-art") and not is_stop_word("rimborso")
