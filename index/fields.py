"""The fields every backend indexes, derived from a `Document` in one place.

Both backends build their schema/mapping from these tables, so a field means
the same thing everywhere. Keyword fields are exact (filters, facets); text
fields are analysed (Italian/English stemming, accent folding).

Italian back-office fields come from the metadata the extractors write:
``metadata["invoice"]`` (FatturaPA), ``metadata["pec"]`` (certified mail) and
``metadata["signature"]`` (.p7m) and ``metadata["bounce"]`` (delivery and feedback
reports); see `_invoice_fields`, `_pec_fields`, `_bounce_fields`. Key
fields of any invoice or receipt (``metadata["fields"]``, ``metadata["doc_type"]``,
written at ingest by `ingest.key_fields`) fill the same invoice fields; see
`_key_fields`. ``total:>1000`` is ``invoice_total``; ``doc_date:2024-03``
matches a month (the date is indexed as year, month and day).
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
    "NO_INVOICE_TOTAL",
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
    # FatturaPA (metadata["invoice"])
    "supplier_name",
    "supplier_vat",
    "supplier_cf",
    "customer_name",
    "customer_vat",
    "customer_cf",
    "invoice_number",
    "invoice_date",
    "currency",
    "document_type",
    # key fields of any invoice or receipt (metadata["fields"], metadata["doc_type"])
    "doc_type",
    "doc_date",
    "due_date",
    # PEC (metadata["pec"]) and e-mail links
    "pec_type",
    "pec_message_id",
    "pec_ref_message_id",
    "message_key",
    # signed files (metadata["signature"])
    "signer",
    "signature_status",
    # delivery and feedback reports (metadata["bounce"]): who was not reached, and how
    "bounce_status",
    "bounce_recipient",
)
TEXT_FIELDS: tuple[str, ...] = ("title", "subject", "text", "diagnostic")
DATE_FIELDS: tuple[str, ...] = ("date", "ingested_at")
FLOAT_FIELDS: tuple[str, ...] = ("sentiment", "complaint_probability", "invoice_total")
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
    "supplier_name",
    "invoice_number",
    "invoice_total",
    "pec_type",
    "doc_type",
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
    "supplier": "supplier_name",
    "fornitore": "supplier_name",
    "piva_fornitore": "supplier_vat",
    "piva_cliente": "customer_vat",
    "numero_fattura": "invoice_number",
    "data_fattura": "invoice_date",
    "tipo_documento": "document_type",
    "divisa": "currency",
    "pec": "pec_type",
    "firmatario": "signer",
    "bounce": "bounce_status",
    "mancata_consegna": "bounce_recipient",
    "total": "invoice_total",
    "totale": "invoice_total",
    "importo": "invoice_total",
    "numero": "invoice_number",
    "tipo": "doc_type",
    "data_documento": "doc_date",
    "scadenza": "due_date",
}

_FAMILIES = (
    ("application/pdf", "pdf"),
    ("fatturapa", "invoice"),
    ("pkcs7", "signed"),
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
    fields.update(_invoice_fields(doc.metadata.get("invoice")))
    fields.update(_key_fields(doc.metadata, fields))
    fields.update(_pec_fields(doc))
    fields.update(_signature_fields(doc.metadata.get("signature")))
    fields.update(_bounce_fields(doc.metadata.get("bounce")))
    return fields


def _bounce_fields(bounce: Any) -> dict[str, Any]:
    """``metadata["bounce"]`` (written by `ingest.mail_reports`): status codes, addresses, reasons."""
    data: dict[str, Any] = bounce if isinstance(bounce, dict) else {}

    def values(key: str) -> list[str]:
        found = data.get(key)
        return [_text(v) for v in found] if isinstance(found, list) else []

    return {
        "bounce_status": _unique(values("status")),
        "bounce_recipient": _unique([v.lower() for v in values("recipient")]),
        "diagnostic": "\n".join(values("diagnostic")),
    }


# Value of `invoice_total` for documents that are not invoices. The backends
# need a number for every float field today; once they skip missing values this
# becomes None, so `invoice_total:<100` stops matching non-invoices.
NO_INVOICE_TOTAL = 0.0


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _invoice_fields(invoice: Any) -> dict[str, Any]:
    """Typed fields from ``metadata["invoice"]`` (written by the FatturaPA extractor)."""
    data: dict[str, Any] = invoice if isinstance(invoice, dict) else {}
    supplier: dict[str, Any] = data["supplier"] if isinstance(data.get("supplier"), dict) else {}
    customer: dict[str, Any] = data["customer"] if isinstance(data.get("customer"), dict) else {}
    total = data.get("total")
    return {
        "supplier_name": _text(supplier.get("name")),
        "supplier_vat": _text(supplier.get("vat")).upper(),
        "supplier_cf": _text(supplier.get("codice_fiscale")).upper(),
        "customer_name": _text(customer.get("name")),
        "customer_vat": _text(customer.get("vat")).upper(),
        "customer_cf": _text(customer.get("codice_fiscale")).upper(),
        "invoice_number": _text(data.get("number")),
        "invoice_date": _text(data.get("date")),
        "currency": _text(data.get("currency")).upper(),
        "document_type": _text(data.get("document_type")).upper(),
        "invoice_total": float(total) if isinstance(total, int | float) else NO_INVOICE_TOTAL,
    }


def _date_prefixes(iso: str) -> list[str]:
    """``2024-03-12`` as ``2024``, ``2024-03``, ``2024-03-12``: `doc_date:2024-03` matches the month."""
    return [iso[:4], iso[:7], iso] if len(iso) == 10 else ([iso] if iso else [])


def _key_fields(metadata: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Key fields of any invoice or receipt (``metadata["fields"]``, users' corrections included).

    They fill the invoice fields (supplier, number, total…) of documents that
    are not FatturaPA, and take precedence on FatturaPA too, where they hold the
    XML's values unless a user corrected one.
    """
    found = metadata.get("fields")
    values = {
        str(f["name"]): _text(f.get("value"))
        for f in (found if isinstance(found, list) else [])
        if isinstance(f, dict) and f.get("name")
    }
    out: dict[str, Any] = {
        "doc_type": _text(metadata.get("doc_type")),
        "doc_date": _date_prefixes(values.get("doc_date", "")),
        "due_date": _date_prefixes(values.get("due_date", "")),
    }
    for name, target in (
        ("supplier", "supplier_name"),
        ("number", "invoice_number"),
        ("doc_date", "invoice_date"),
    ):
        if values.get(name):
            out[target] = values[name]
    for name, target in (("supplier_vat", "supplier_vat"), ("currency", "currency")):
        if values.get(name):
            out[target] = values[name].upper()
    if values.get("total", "").replace(".", "", 1).isdigit():
        out["invoice_total"] = float(values["total"])
    if values.get("iban"):
        out["iban"] = _unique([*fields.get("iban", []), values["iban"]])
    return out


def _normalised_id(value: str) -> str:
    inner = value.strip()
    if "<" in inner and ">" in inner:
        inner = inner[inner.index("<") + 1 : inner.index(">")]
    return inner.strip().lower()


def _pec_fields(doc: Document) -> dict[str, Any]:
    """PEC envelope fields, and the link keys shared by receipts and the messages they certify."""
    pec = doc.metadata.get("pec")
    data = pec if isinstance(pec, dict) else {}
    refs = data.get("ref_message_ids") or [data.get("ref_message_id")]
    envelope = data.get("role") == "envelope"
    return {
        "pec_type": _text(data.get("type")) if envelope else "",
        "pec_message_id": _text(data.get("identifier")).lower() if envelope else "",
        "pec_ref_message_id": _unique([_text(r).lower() for r in refs if isinstance(r, str)]),
        "message_key": _normalised_id(doc.email.message_id) if doc.email else "",
    }


def _signature_fields(signature: Any) -> dict[str, Any]:
    data = signature if isinstance(signature, dict) else {}
    if not data:
        return {"signer": "", "signature_status": ""}
    return {
        "signer": _text(data.get("signer")),
        "signature_status": "verified" if data.get("verified") else "not_verified",
    }
