"""The fields every backend indexes, derived from a `Document` in one place.

Both backends build their schema/mapping from these tables, so a field means
the same thing everywhere. Keyword fields are exact (filters, facets); text
fields are analysed (Italian/English stemming, accent folding).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.document import Document

__all__ = [
    "BOOL_FIELDS",
    "DATE_FIELDS",
    "ENTITY_FIELDS",
    "FIELD_ALIASES",
    "FLOAT_FIELDS",
    "INT_FIELDS",
    "KEYWORD_FIELDS",
    "STORED_FIELDS",
    "TEXT_FIELDS",
    "document_fields",
    "type_family",
]

# Entity label -> keyword field holding its normalised values.
ENTITY_FIELDS: dict[str, str] = {
    "PERSON": "person",
    "ORG": "org",
    "LOC": "loc",
    "EMAIL": "email_address",
    "PHONE": "phone",
    "IBAN": "iban",
    "CODICE_FISCALE": "codice_fiscale",
    "PARTITA_IVA": "partita_iva",
    "MONEY": "money",
    "DATE": "date_mentioned",
    "REFERENCE": "reference",
}

KEYWORD_FIELDS: tuple[str, ...] = (
    "id",
    "parent_id",
    "root_id",
    "thread_id",
    "message_id",
    "sha256",
    "mime_type",
    "type",
    "source",
    "language",
    "category",
    "filename",
    "sender",
    "recipients",
    "customer",
    "extension",
    *ENTITY_FIELDS.values(),
)
TEXT_FIELDS: tuple[str, ...] = ("title", "subject", "text")
DATE_FIELDS: tuple[str, ...] = ("date", "ingested_at")
FLOAT_FIELDS: tuple[str, ...] = ("sentiment", "complaint_probability")
INT_FIELDS: tuple[str, ...] = ("size", "pages", "depth")
BOOL_FIELDS: tuple[str, ...] = ("complaint", "has_attachments")

# Fields returned with every hit.
STORED_FIELDS: tuple[str, ...] = (
    "id",
    "parent_id",
    "root_id",
    "thread_id",
    "title",
    "filename",
    "mime_type",
    "type",
    "source",
    "language",
    "category",
    "sender",
    "date",
    "sentiment",
    "complaint",
    "size",
    "pages",
)

# Names users may type in `field:value`, mapped to index fields.
FIELD_ALIASES: dict[str, str] = {
    "from": "sender",
    "to": "recipients",
    "lang": "language",
    "name": "filename",
    "file": "filename",
    "mime": "mime_type",
    "thread": "thread_id",
    "parent": "parent_id",
    "body": "text",
    "content": "text",
    "email": "email_address",
    "piva": "partita_iva",
    "vat": "partita_iva",
    "cf": "codice_fiscale",
    "customers": "customer",
}

_FAMILIES = (
    ("application/pdf", "pdf"),
    ("message/", "email"),
    ("application/vnd.ms-outlook", "email"),
    ("application/mbox", "email"),
    ("image/", "image"),
    ("text/html", "html"),
    ("application/xhtml", "html"),
    ("text/csv", "spreadsheet"),
    ("spreadsheet", "spreadsheet"),
    ("ms-excel", "spreadsheet"),
    ("presentation", "presentation"),
    ("ms-powerpoint", "presentation"),
    ("wordprocessing", "word"),
    ("msword", "word"),
    ("opendocument.text", "word"),
    ("rtf", "word"),
    ("zip", "archive"),
    ("x-tar", "archive"),
    ("gzip", "archive"),
    ("7z", "archive"),
    ("rar", "archive"),
    ("text/", "text"),
)


def type_family(mime_type: str) -> str:
    """A short, facet-friendly family for a MIME type: pdf, email, image, word…"""
    for needle, family in _FAMILIES:
        if needle in mime_type:
            return family
    return "other"


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def document_fields(doc: Document) -> dict[str, Any]:
    """Flat field values of `doc`; multi-valued keyword fields are lists."""
    ann = doc.annotations
    email = doc.email
    extension = doc.filename.rsplit(".", 1)[-1].lower() if "." in doc.filename else ""
    fields: dict[str, Any] = {
        "id": doc.id,
        "parent_id": doc.parent_id or "",
        "root_id": doc.root_id,
        "thread_id": doc.thread_id or "",
        "message_id": email.message_id if email else "",
        "sha256": doc.sha256,
        "mime_type": doc.mime_type,
        "type": type_family(doc.mime_type),
        "source": doc.source,
        "language": ann.language or "",
        "category": ann.category,
        "filename": doc.filename,
        "sender": email.sender.lower() if email and email.sender else "",
        "recipients": _unique([a.lower() for a in (email.to + email.cc + email.bcc)]) if email else [],
        "customer": _unique(ann.customers),
        "extension": extension,
        "title": doc.title,
        "subject": email.subject if email else "",
        "text": doc.text,
        "date": doc.date or doc.ingested_at or datetime(1970, 1, 1),
        "ingested_at": doc.ingested_at or datetime(1970, 1, 1),
        "sentiment": float(ann.sentiment),
        "complaint_probability": float(ann.complaint_probability),
        "size": doc.size,
        "pages": len(doc.pages),
        "depth": doc.depth,
        "complaint": bool(ann.complaint),
        "has_attachments": bool(doc.metadata.get("children")),
    }
    for label, name in ENTITY_FIELDS.items():
        fields[name] = _unique([e.value for e in ann.entities if e.label == label])
    return fields
