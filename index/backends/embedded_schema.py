"""The tantivy schema and analyzers of the embedded backend, built from `index.fields`.

Each text field (title, subject, text) is indexed three times:

- ``<field>``: lowercased and accent-folded, never stemmed (exact mode,
  prefixes, wildcards, fuzzy); the only stored copy, used for highlights;
- ``<field>_it`` / ``<field>_en``: Italian / English stop words removed and
  stemmed. A document goes into the variant of its language, or into both when
  its language is unknown or neither.

With the setting ``phrase_pairs``, each of these variants has a ``<variant>_pairs``
companion, its adjacent tokens as single terms (`index.backends.embedded_pairs`):
two-word phrases read no positions. An index built with the other choice has
another schema, so switching rebuilds it from the catalog (`index.healing`).

The derived fields of ``index.backends.derived`` (cursor tiebreak, thread key,
near-duplicate signature) are added to every document.
Keyword fields use the raw tokenizer and are fast (filters, facets); dates,
numbers and booleans are indexed and fast (ranges, sorting, histograms).
Adding a field to `index.fields` adds it here.
"""

from __future__ import annotations

from typing import Any

import tantivy

from core.document import Document
from index.backends.derived import DERIVED_INT_FIELDS, DERIVED_KEYWORD_FIELDS, derived_fields
from index.backends.embedded_pairs import PAIRS_ANALYZER, PairMaker, pairs_analyzer, pairs_field
from index.fields import (
    BOOL_FIELDS,
    DATE_FIELDS,
    FLOAT_FIELDS,
    INT_FIELDS,
    KEYWORD_FIELDS,
    STORED_FIELDS,
    TEXT_FIELDS,
    document_fields,
)
from index.query.semantics import STEM_LANGUAGES, utc
from index.query.stopwords import STOP_WORDS

__all__ = [
    "EXACT_ANALYZER",
    "Analyzers",
    "build_schema",
    "hit_fields",
    "register_analyzers",
    "stemmed_field",
    "to_tantivy",
]

EXACT_ANALYZER = "faldone_exact"
# Document language code -> tantivy stemmer/stop-word language.
_TANTIVY_LANGUAGES: dict[str, str] = {"it": "italian", "en": "english"}
# Longer tokens are noise (base64, hashes) and would bloat the term dictionary.
_MAX_TOKEN_LENGTH = 64


def _analyzer_name(language: str) -> str:
    return f"faldone_{language}"


def stemmed_field(field: str, language: str) -> str:
    """Name of the stemmed variant of text field `field` for `language` ("it", "en")."""
    return f"{field}_{language}"


def _builder() -> tantivy.TextAnalyzerBuilder:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(_MAX_TOKEN_LENGTH))
        .filter(tantivy.Filter.lowercase())
    )


class Analyzers:
    """The exact analyzer and one stemming analyzer per language, by index field.

    Stop words are removed before accents are folded, so that accented stop words
    (``perché``, ``più``) are recognised; the cluster backend analyses alike.
    """

    def __init__(self) -> None:
        self.exact = _builder().filter(tantivy.Filter.ascii_fold()).build()
        self.stemmed: dict[str, tantivy.TextAnalyzer] = {
            code: _builder()
            .filter(tantivy.Filter.stopword(name))
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer(name))
            .build()
            for code, name in _TANTIVY_LANGUAGES.items()
        }
        unstopped = {
            code: _builder().filter(tantivy.Filter.ascii_fold()).filter(tantivy.Filter.stemmer(name)).build()
            for code, name in _TANTIVY_LANGUAGES.items()
        }
        stop_words = {code: STOP_WORDS[name] for code, name in _TANTIVY_LANGUAGES.items()}
        self.pairs = PairMaker(self.exact, self.stemmed, unstopped, stop_words)

    def variants(self, field: str, *, exact: bool) -> list[tuple[str, tantivy.TextAnalyzer]]:
        """(index field, analyzer) pairs a query on text field `field` searches."""
        pairs = [(field, self.exact)]
        if not exact:
            pairs += [(stemmed_field(field, code), an) for code, an in self.stemmed.items()]
        return pairs


def register_analyzers(index: tantivy.Index, analyzers: Analyzers) -> None:
    """Tantivy does not persist custom analyzers: register them on every open."""
    index.register_tokenizer(EXACT_ANALYZER, analyzers.exact)
    for code, analyzer in analyzers.stemmed.items():
        index.register_tokenizer(_analyzer_name(code), analyzer)
    index.register_tokenizer(PAIRS_ANALYZER, pairs_analyzer())


def build_schema(*, pairs: bool = False) -> tantivy.Schema:
    """`pairs`: with the word-pair fields (setting ``phrase_pairs``)."""
    builder = tantivy.SchemaBuilder()
    for name in KEYWORD_FIELDS:
        # sha256 is stored too: duplicates() looks it up.
        stored = name in STORED_FIELDS or name == "sha256"
        builder.add_text_field(name, stored=stored, fast=True, tokenizer_name="raw")
    for name in DERIVED_KEYWORD_FIELDS:
        builder.add_text_field(name, stored=name != "simhash_band", fast=True, tokenizer_name="raw")
    for name in DERIVED_INT_FIELDS:
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=EXACT_ANALYZER)
        for code in STEM_LANGUAGES:
            builder.add_text_field(stemmed_field(name, code), tokenizer_name=_analyzer_name(code))
        for variant in (name, *(stemmed_field(name, code) for code in STEM_LANGUAGES)) if pairs else ():
            builder.add_text_field(pairs_field(variant), tokenizer_name=PAIRS_ANALYZER, index_option="freq")
    for name in DATE_FIELDS:
        builder.add_date_field(name, stored=name in STORED_FIELDS, indexed=True, fast=True)
    for name in FLOAT_FIELDS:
        builder.add_float_field(name, stored=name in STORED_FIELDS, indexed=True, fast=True)
    for name in INT_FIELDS:
        builder.add_integer_field(name, stored=name in STORED_FIELDS, indexed=True, fast=True)
    for name in BOOL_FIELDS:
        builder.add_boolean_field(name, stored=name in STORED_FIELDS, indexed=True, fast=True)
    return builder.build()


def to_tantivy(doc: Document, pairs: PairMaker | None = None) -> tantivy.Document:
    """The tantivy document for `doc` (empty keyword values are left out), with word pairs if `pairs`."""
    fields = document_fields(doc)
    out = tantivy.Document()
    for name in KEYWORD_FIELDS:
        value = fields[name]
        for item in value if isinstance(value, list) else [value]:
            if item:
                out.add_text(name, str(item))
    language = fields["language"]
    codes = [language] if language in STEM_LANGUAGES else list(STEM_LANGUAGES)
    for name in TEXT_FIELDS:
        text = str(fields[name])
        if not text:
            continue
        out.add_text(name, text)
        for code in codes:
            out.add_text(stemmed_field(name, code), text)
        if pairs is None:
            continue
        exact, stemmed = pairs.pairs(text, codes)
        for variant, made in ((name, exact), *((stemmed_field(name, c), p) for c, p in stemmed.items())):
            if made:
                out.add_text(pairs_field(variant), made)
    for name in DATE_FIELDS:
        out.add_date(name, utc(fields[name]))
    for name in FLOAT_FIELDS:
        out.add_float(name, float(fields[name]))
    for name in INT_FIELDS:
        out.add_integer(name, int(fields[name]))
    for name in BOOL_FIELDS:
        out.add_boolean(name, bool(fields[name]))
    for name, value in derived_fields(doc).items():
        if isinstance(value, int):
            out.add_integer(name, value)
        else:
            for item in value if isinstance(value, list) else [value]:
                out.add_text(name, item)
    return out


_MISSING: dict[str, str] = {name: "" for name in (*KEYWORD_FIELDS, *TEXT_FIELDS)}


def hit_fields(doc: tantivy.Document) -> dict[str, Any]:
    """The `STORED_FIELDS` of a stored document, single values unwrapped."""
    stored = doc.to_dict()
    result: dict[str, Any] = {}
    for name in STORED_FIELDS:
        values = stored.get(name, [])
        result[name] = values[0] if values else _MISSING.get(name)
    return result
