"""Word pairs: each text variant's adjacent tokens indexed as one term (Elasticsearch's ``index_phrases``).

On by default (setting ``phrase_pairs``; off, phrases read positions): the index is
larger and indexing costs more CPU, phrases at a million documents far less
(bench/README.md, "How cost grows").

A phrase query reads the positions of its words in every document holding all of
them: at a million documents a frequent two-word phrase costs tens of
milliseconds. So every text variant (``text``, ``text_it``, ``text_en``, …) has a
companion ``<variant>_pairs`` field holding the pairs of tokens at adjacent
positions, ``"a b"``, with term frequencies but no positions. A pair is made only
where positions are adjacent: never across a stop word the stemmed analyzer
removed, nor across a token too long to index. So a document holds the pair term
exactly when the variant's two-word phrase query matches it, and:

- a two-word phrase (no slop) becomes one term query on the pairs field;
- a longer one stays a positional phrase, restricted to the documents holding all
  its pairs, so positions are read only where the phrase is almost certainly found.

Tantivy has no shingle filter: the pairs are made here at indexing time from the
same analyzers' tokens (`PairMaker`).
"""

from __future__ import annotations

from itertools import pairwise

import tantivy

__all__ = ["PAIRS_ANALYZER", "PairMaker", "pair", "pairs_field"]

PAIRS_ANALYZER = "faldone_pairs"
_SEPARATOR = "\n"  # between pairs: an analysed token never holds a line break (nor a space)


def pairs_field(index_field: str) -> str:
    """The pairs companion of text variant `index_field` (``text`` → ``text_pairs``)."""
    return f"{index_field}_pairs"


def pair(first: str, second: str) -> str:
    return f"{first} {second}"


def pairs_analyzer() -> tantivy.TextAnalyzer:
    """One term per line of the text the `PairMaker` writes."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(f"[^{_SEPARATOR}]+")).build()


def _adjacent(tokens: list[tuple[int, str]]) -> str:
    return _SEPARATOR.join(pair(a, b) for (p, a), (q, b) in pairwise(tokens) if q == p + 1)


class PairMaker:
    """The pairs text of each variant of a text, from the variants' own analyzers.

    The fast way makes no Python object per token: the exact tokens, the lowercased
    words and each language's stems (analysed without the stop-word filter) are
    lists of the same length, and a stemmed pair is skipped where either word is a
    stop word (the lists the stemmed analyzers drop, `index.query.stopwords`). A text
    with a token too long to index (dropped, so the lists no longer line up with the
    words) takes the positions of each analyzer's tokens instead.
    """

    def __init__(
        self,
        exact: tantivy.TextAnalyzer,
        stemmed: dict[str, tantivy.TextAnalyzer],
        unstopped: dict[str, tantivy.TextAnalyzer],
        stop_words: dict[str, frozenset[str]],
    ) -> None:
        """Per language code: the stemmed analyzer, the same without its stop-word filter, its stop words."""
        self._exact = exact
        self._stemmed = stemmed
        self._unstopped = unstopped
        self._stop_words = stop_words
        self._words = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase()).build()
        )

    def pairs(self, text: str, codes: list[str]) -> tuple[str, dict[str, str]]:
        """(exact pairs, {language code: stemmed pairs}) of `text`, for the languages `codes`."""
        exact = self._exact.analyze(text)
        words = self._words.analyze(text)
        if len(words) != len(exact):
            return self._by_position(text, codes)
        stemmed: dict[str, str] = {}
        for code in codes:
            stems = self._unstopped[code].analyze(text)
            stop = self._stop_words[code]
            kept = [w not in stop for w in words]
            stemmed[code] = _SEPARATOR.join(
                pair(stems[i], stems[i + 1]) for i in range(len(stems) - 1) if kept[i] and kept[i + 1]
            )
        return _SEPARATOR.join(pair(a, b) for a, b in pairwise(exact)), stemmed

    def _by_position(self, text: str, codes: list[str]) -> tuple[str, dict[str, str]]:
        def tokens(analyzer: tantivy.TextAnalyzer) -> list[tuple[int, str]]:
            return [(t.position, t.text) for t in analyzer.pre_tokenize(text).tokens]

        stemmed = {code: _adjacent(tokens(self._stemmed[code])) for code in codes}
        return _adjacent(tokens(self._exact)), stemmed
