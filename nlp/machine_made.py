"""Records written by machines are not complaints, and have no tone.

A complaint is something a person says; sentiment is the tone they say it in. These
records say neither: a FatturaPA e-invoice or other XML data, the report on a signed
(``.p7m``) or time-stamped file, a PEC provider's acceptance or delivery receipt and its
envelope, a notification of the Italian e-invoicing exchange (Sistema di Interscambio,
SdI), a bounce, an automatic reply or notification (RFC 3834 ``Auto-Submitted:
auto-replied`` or ``auto-notified``: out of office, read receipts).
Read by the heads, such records land in the "likely complaint" band (bounces and
e-invoices score 0.2-0.45: "could not be delivered", "scadenza", amounts due) and in
the review queue, and their "negative" tone drags the sentiment trend. So, when the
extraction has recognised one (from its structure, not its words), the document is
not a complaint (probability 0), its sentiment is 0 and the category "complaint"
becomes "other"; ``metadata["machine_made"]`` says why. A person's message carried
inside one of them (the ``postacert.eml`` of an ordinary PEC, the original message a
bounce returns, the signed letter in a ``.p7m``) is a document of its own and is read
as usual.
"""

from __future__ import annotations

from typing import Any

from core.document import Document

__all__ = ["machine_made", "mark_machine_made"]

# Structured data read as text: e-invoices and the SdI's notifications (RC, NS, MC, MT…).
_DATA_TYPES = frozenset({"application/vnd.fatturapa+xml", "application/xml", "text/xml"})
# Signature and time-stamp envelopes: their text is our report on the signature; the signed
# file inside is a document of its own.
_ENVELOPE_TYPES = frozenset(
    {"application/pkcs7-mime", "application/timestamped-data", "application/vnd.etsi.timestamp-token"}
)
# RFC 3834: replies a machine sent in answer (out of office) and notifications (read receipts).
# Not "auto-generated": helpdesks and web forms send a customer's own words with it.
_AUTOMATIC_REPLIES = ("auto-replied", "auto-notified")
# The SdI sends its notifications by PEC from sdiNN@pec.fatturapa.it.
_SDI_DOMAIN = "@pec.fatturapa.it"


def machine_made(doc: Document) -> str | None:
    """Why `doc` is a record a machine wrote ("e-invoice", "pec-receipt", ...), or None."""
    metadata: dict[str, Any] = doc.metadata
    if isinstance(metadata.get("invoice"), dict) or isinstance(metadata.get("invoice_batch"), dict):
        return "e-invoice"
    if doc.mime_type in _DATA_TYPES:
        return "structured-data"
    if doc.mime_type in _ENVELOPE_TYPES:
        return "signature-envelope"
    pec = metadata.get("pec")
    if isinstance(pec, dict):
        if pec.get("is_receipt") or pec.get("role") == "envelope":
            return "pec-receipt"  # the provider's own text around (or instead of) a message
        if pec.get("role") == "postacert" and doc.email and doc.email.sender.lower().endswith(_SDI_DOMAIN):
            return "sdi-notification"
    if metadata.get("bounce"):
        return "delivery-report"
    if str(metadata.get("auto_submitted", "")).startswith(_AUTOMATIC_REPLIES):
        return "auto-submitted"
    return None


def mark_machine_made(doc: Document) -> bool:
    """If `doc` is machine-made: not a complaint, neutral, and say why. True when it was."""
    reason = machine_made(doc)
    if reason is None:
        return False
    annotations = doc.annotations
    annotations.complaint = False
    annotations.complaint_probability = 0.0
    annotations.sentiment = 0.0
    if annotations.category == "complaint":
        annotations.category = "other"
    doc.metadata["machine_made"] = reason
    return True
