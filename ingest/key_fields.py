"""Key fields and document type of an extracted document, stored in its metadata.

``metadata["fields"]``: the key fields (`nlp.fields.KeyField` as dicts: name,
value, text, confidence, box, source); ``metadata["doc_type"]``: one of
`nlp.fields.DOCUMENT_TYPES`. Scans are read from their OCR words' boxes
(`Extraction.layouts`), which are not stored. Long documents are read on their
first pages and their last one, where invoices print what the rules look for.
"""

from __future__ import annotations

from core.document import Document
from ingest.extractors.base import Extraction
from nlp.fields import document_type, extract_fields, fields_to_dicts

__all__ = ["add_key_fields"]

_HEAD_PAGES = 3
# The "first name-like row at the top" guess of the supplier is for laid-out pages (a letterhead,
# a receipt's shop name); at the top of an e-mail body or a plain-text note stands a greeting
# ("Hello,", "Buongiorno") or a title ("Dettaglio addebiti contestati").
_UNLAID_SUPPLIER_CONFIDENCE = 0.5


def add_key_fields(doc: Document, extraction: Extraction) -> None:
    """Set ``metadata["fields"]`` and ``metadata["doc_type"]`` of `doc`."""
    count = len(doc.pages)
    read = set(range(1, min(count, _HEAD_PAGES) + 1)) | {count}
    texts = [page.text if page.number in read else "" for page in doc.pages]
    layouts = {n: words for n, words in extraction.layouts.items() if n in read}
    unlaid = doc.email is not None or doc.mime_type.startswith("text/plain")
    fields = extract_fields(texts, layouts, doc.metadata, _UNLAID_SUPPLIER_CONFIDENCE if unlaid else 0.0)
    doc.metadata.pop("fields", None)
    if fields:
        doc.metadata["fields"] = fields_to_dicts(fields)
    first = extraction.layouts.get(1)
    doc.metadata["doc_type"] = document_type(
        "\n".join(texts)[:6000],
        "message/rfc822" if doc.email is not None else doc.mime_type,
        doc.metadata,
        [f.name for f in fields],
        (first.width, first.height) if first is not None else None,
    )
