"""Text that every later stage can store: no lone surrogates, no NULs, no stray controls.

Extractors pass on what a file says, and files say odd things: an RTF ``\\u-10240``
is half a surrogate pair, a Word file keeps NULs and field marks. UTF-8 cannot encode
a lone surrogate, so one such character used to fail the indexer's whole batch.
`clean_document` fixes every string of a document once, right after extraction:
surrogate pairs are joined into their character, lone halves become U+FFFD, control
characters other than tab, newline and carriage return are dropped (the form feed
is the page separator of `Document.text`, so inside a page it becomes a newline).
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Any

from core.document import Document

__all__ = ["clean_document", "clean_text"]

_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """`text` without lone surrogates and control characters (tab, newline, CR kept)."""
    if not _SUSPECT.search(text):
        return text
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _CONTROLS.sub("", text).replace("\x0c", "\n")


def clean_document(doc: Document) -> Document:
    """Clean every string of `doc` in place (pages, title, e-mail headers, metadata, warnings)."""
    for page in doc.pages:
        page.text = clean_text(page.text)
    doc.title = clean_text(doc.title)
    doc.filename = clean_text(doc.filename)
    if doc.email is not None:
        for item in fields(doc.email):
            setattr(doc.email, item.name, _clean_value(getattr(doc.email, item.name)))
    doc.metadata = _clean_value(doc.metadata)
    doc.warnings = [clean_text(w) for w in doc.warnings]
    return doc


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_clean_value(k): _clean_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_clean_value(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            setattr(value, item.name, _clean_value(getattr(value, item.name)))
    return value
