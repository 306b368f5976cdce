"""Index settings, mapping and documents of the cluster backend, built from `index.fields`.

The analysis mirrors the embedded backend (``embedded_schema``) token for token:

- tokenizer: split on every character that is not a letter or a digit (tantivy's
  ``simple`` tokenizer; the standard tokenizer would keep ``l'assicurazione`` and
  ``mario.rossi`` whole);
- ``faldone_exact``: drop tokens over 63 characters, lowercase, ASCII folding;
- ``faldone_it`` / ``faldone_en``: lowercase, stop words (before folding, so that
  accented stop words such as ``perché`` go), ASCII folding, Snowball stemmer.

Each text field (title, subject, text) is a ``text`` field with the exact analyzer
(the stored copy, highlights, prefixes, wildcards, fuzzy) and two sub-fields,
``<field>.it`` and ``<field>.en``. The embedded backend indexes a document only in
the variant of its language (both when unknown); here every document has both
sub-fields and the query restricts each to the documents of its language
(`LANGUAGE_EXCLUDES`), which matches the same documents.
Keyword fields are ``keyword``; dates, numbers and booleans are typed.

Known difference: both engines use Snowball stemmers, but not the same release of
the English one: Lucene stems ``added`` to ``ad``, tantivy (rust-stemmers) to ``add``.
On the 600 most frequent words of each language of the bench corpus stop words and
stems agree; on the bench's 200 queries one English AND query counts different hits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.document import Document
from index.backends.cluster_vectors import passages_mapping
from index.backends.derived import DERIVED_INT_FIELDS, DERIVED_KEYWORD_FIELDS, derived_fields
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

__all__ = [
    "EXACT_ANALYZER",
    "LANGUAGE_EXCLUDES",
    "from_source",
    "index_body",
    "subfield",
    "to_source",
]

EXACT_ANALYZER = "faldone_exact"
# Stemmed sub-field of language `code` ignores documents whose language is one of these.
LANGUAGE_EXCLUDES: dict[str, list[str]] = {
    code: [other for other in STEM_LANGUAGES if other != code] for code in STEM_LANGUAGES
}
_STOP = {"it": "_italian_", "en": "_english_"}
# Snowball stemmers, as tantivy's (Lucene's "english" would be the older Porter stemmer).
_STEMMER = {"it": "italian", "en": "porter2"}
_MAX_TOKEN_LENGTH = 63  # tantivy's remove_long(64) drops tokens of 64 bytes and more


def subfield(field: str, code: str) -> str:
    """The stemmed sub-field of text field `field` for language `code`."""
    return f"{field}.{code}"


def _analysis() -> dict[str, Any]:
    filters: dict[str, Any] = {"faldone_length": {"type": "length", "max": _MAX_TOKEN_LENGTH}}
    analyzers: dict[str, Any] = {
        EXACT_ANALYZER: {
            "type": "custom",
            "tokenizer": "faldone_simple",
            "filter": ["faldone_length", "lowercase", "asciifolding"],
        }
    }
    for code in STEM_LANGUAGES:
        filters[f"faldone_stop_{code}"] = {"type": "stop", "stopwords": _STOP[code]}
        filters[f"faldone_stem_{code}"] = {"type": "stemmer", "language": _STEMMER[code]}
        analyzers[f"faldone_{code}"] = {
            "type": "custom",
            "tokenizer": "faldone_simple",
            "filter": [
                "faldone_length",
                "lowercase",
                f"faldone_stop_{code}",
                "asciifolding",
                f"faldone_stem_{code}",
            ],
        }
    return {
        "tokenizer": {"faldone_simple": {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}},
        "filter": filters,
        "analyzer": analyzers,
    }


def _properties() -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name in KEYWORD_FIELDS:
        props[name] = {"type": "keyword"}
    for name in DERIVED_KEYWORD_FIELDS:
        props[name] = {"type": "keyword"}
    for name in DERIVED_INT_FIELDS:
        props[name] = {"type": "long"}
    for name in TEXT_FIELDS:
        # Offsets in the postings let the unified highlighter skip re-analysing long texts.
        props[name] = {
            "type": "text",
            "analyzer": EXACT_ANALYZER,
            "index_options": "offsets",
            "fields": {
                code: {"type": "text", "analyzer": f"faldone_{code}", "index_options": "offsets"}
                for code in STEM_LANGUAGES
            },
        }
    for name in DATE_FIELDS:
        props[name] = {"type": "date", "format": "strict_date_optional_time||epoch_millis"}
    for name in FLOAT_FIELDS:
        props[name] = {"type": "double"}
    for name in INT_FIELDS:
        props[name] = {"type": "long"}
    for name in BOOL_FIELDS:
        props[name] = {"type": "boolean"}
    return props


def index_body(
    *, shards: int = 1, replicas: int = 0, refresh_interval: str = "1s", distribution: str = "opensearch"
) -> dict[str, Any]:
    """Settings and mapping of a fresh concrete index (unknown fields are rejected)."""
    # Whole documents are indexed: allow highlighting beyond the default 1M characters.
    highlight: dict[str, Any] = {"max_analyzed_offset": 100_000_000}
    if distribution == "elasticsearch":
        # Elasticsearch 8's unified highlighter marks a phrase as one unit ("<em>late delivery</em>")
        # in its default weight-matches mode; off, it marks each word, as OpenSearch and the
        # embedded index do. OpenSearch rejects this setting, hence only on this path.
        highlight["weight_matches_mode"] = {"enabled": False}
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "refresh_interval": refresh_interval,
            "analysis": _analysis(),
            "highlight": highlight,
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {**_properties(), "passages": passages_mapping(distribution)},
        },
    }


def _iso(moment: datetime) -> str:
    return utc(moment).isoformat()


def to_source(doc: Document) -> dict[str, Any]:
    """The JSON document for `doc`; empty values are left out, as in the embedded index."""
    fields = document_fields(doc)
    source: dict[str, Any] = {}
    for name in KEYWORD_FIELDS:
        value = fields[name]
        items = [str(v) for v in (value if isinstance(value, list) else [value]) if v]
        if items:
            source[name] = items if isinstance(value, list) else items[0]
    for name in TEXT_FIELDS:
        if fields[name]:
            source[name] = str(fields[name])
    for name in DATE_FIELDS:
        source[name] = _iso(fields[name])
    for name in FLOAT_FIELDS:
        source[name] = float(fields[name])
    for name in INT_FIELDS:
        source[name] = int(fields[name])
    for name in BOOL_FIELDS:
        source[name] = bool(fields[name])
    source.update(derived_fields(doc))
    return source


_MISSING: dict[str, str] = {name: "" for name in (*KEYWORD_FIELDS, *TEXT_FIELDS)}


def from_source(source: dict[str, Any]) -> dict[str, Any]:
    """The `STORED_FIELDS` of a hit, typed as the embedded backend returns them."""
    result: dict[str, Any] = {}
    for name in STORED_FIELDS:
        value = source.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is None:
            result[name] = _MISSING.get(name)
        elif name in DATE_FIELDS:
            result[name] = utc(datetime.fromisoformat(str(value)))
        else:
            result[name] = value
    return result
