"""PEC certified mail: envelopes (``X-Trasporto``) and receipts (``X-Ricevuta``).

Claims ``message/rfc822`` with a higher score than the plain e-mail extractor and
hands ordinary mail straight back to the shared parser, so nothing changes for it.

For a PEC message the envelope document keeps the provider's text, prefixed by
an Italian summary, and carries ``metadata["pec"]`` (see `_envelope_metadata`).
The real message, ``postacert.eml``, stays a child (position ``postacert``): it is
a message of its own with its headers, thread and attachments, so it is indexed
and shown as itself and the envelope shows it as its content. ``daticert.xml`` is
read into the metadata and ``smime.p7s`` is checked against the signed part; both
are dropped from the children, since nobody wants to read them as documents.

Envelopes and receipts get the certified message's id as their ``in_reply_to``
(when they have none), so they fall into that message's thread (a thread is named
after its first message) and `core.pec_links` finds them by the indexed thread id.
"""

from __future__ import annotations

from email.message import Message
from typing import Any, ClassVar

from core.document import Page
from ingest.errors import CorruptDocument
from ingest.extractors.base import Child, Extraction, Extractor, Source
from ingest.italian import cades
from ingest.italian.pec import PEC_TYPES, RECEIPT_TYPES, normalise_id, parse_daticert, pec_type, signed_part
from ingest.mail import extraction_from_message, header_text, parse_bytes

__all__ = ["PecExtractor"]

_SIGNATURE_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature")


class PecExtractor(Extractor):
    """Certified mail: envelope data, receipts, the inner postacert.eml; other mail as usual."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("message/rfc822",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".eml",)
    SCORE: ClassVar[int] = 20

    def extract(self, source: Source) -> Extraction:
        raw = source.read_bytes()
        msg = parse_bytes(raw)
        result = extraction_from_message(msg, source.settings.max_children)
        kind, transport, receipt = pec_type(msg)
        if not kind:
            return result
        _read_envelope(result, msg, raw, kind, transport, receipt)
        return result


def _read_envelope(
    result: Extraction, msg: Message, raw: bytes, kind: str, transport: str, receipt: str
) -> None:
    info: dict[str, Any] = {}
    signature: bytes | None = None
    kept: list[Child] = []
    postacert: Child | None = None
    for item in result.children:
        ctype = str(item.metadata.get("content_type", ""))
        name = item.filename.lower()
        if name == "daticert.xml" and not info:
            try:
                info = parse_daticert(item.data)
            except CorruptDocument as err:
                result.warnings.append(f"PEC daticert.xml unreadable: {err.reason}")
        elif ctype in _SIGNATURE_TYPES or name == "smime.p7s":
            signature = item.data
        elif postacert is None and (name == "postacert.eml" or ctype == "message/rfc822"):
            postacert = item
        else:
            kept.append(item)
    header_ref = normalise_id(header_text(msg, "x-riferimento-message-id"))
    pec = _envelope_metadata(kind, transport, receipt, info, header_ref, msg)
    if not info:
        result.warnings.append("PEC without daticert.xml: envelope data read from the mail headers only")
        _from_headers(pec, result)
    if header_ref and pec["ref_message_id"] and header_ref != pec["ref_message_id"]:
        result.warnings.append("X-Riferimento-Message-ID differs from the msgid certified in daticert.xml")
    pec["signature"] = _check_signature(result, raw, msg, signature)
    if postacert is not None:
        postacert.position = "postacert"
        postacert.metadata["pec"] = {
            "role": "postacert",
            "envelope_type": kind,
            "ref_message_id": pec["ref_message_id"],
            "identifier": pec["identifier"],
        }
        kept.insert(0, postacert)
    pec["postacert"] = postacert is not None
    result.children = kept
    result.metadata["pec"] = pec
    email = result.email
    unthreaded = email is not None and not email.in_reply_to and not email.references
    if email is not None and unthreaded and pec["ref_message_id"]:
        email.in_reply_to = f"<{pec['ref_message_id']}>"
    body = result.pages[0].text if result.pages else ""
    result.pages = [Page(1, f"{_summary(pec)}\n\n{body}".strip())]


def _envelope_metadata(
    kind: str, transport: str, receipt: str, info: dict[str, Any], header_ref: str, msg: Message
) -> dict[str, Any]:
    if info.get("type") and info["type"] != kind:
        kind = info["type"] if info["type"] in PEC_TYPES else kind
    ref = normalise_id(str(info.get("original_message_id", ""))) or header_ref
    refs = [r for r in dict.fromkeys((ref, header_ref)) if r]
    return {
        "role": "envelope",
        "type": kind,
        "type_label": PEC_TYPES.get(kind, kind),
        "is_receipt": kind in RECEIPT_TYPES,
        "transport": transport,
        "receipt": receipt,
        "receipt_kind": info.get("receipt_kind") or header_text(msg, "x-tiporicevuta").lower(),
        "sender": info.get("sender", ""),
        "recipients": info.get("recipients", []),
        "reply_to": info.get("reply_to", ""),
        "subject": info.get("subject", ""),
        "provider": info.get("provider", ""),
        "date": info.get("date", ""),
        "identifier": info.get("identifier", ""),
        "original_message_id": info.get("original_message_id", "")
        or header_text(msg, "x-riferimento-message-id"),
        "ref_message_id": ref,
        "ref_message_ids": refs,
        "delivered_to": info.get("delivered_to", ""),
        "error": info.get("error", ""),
        "error_detail": info.get("error_detail", ""),
        "has_daticert": bool(info),
    }


def _from_headers(pec: dict[str, Any], result: Extraction) -> None:
    """Without daticert.xml: sender, recipients, subject and date as the provider's headers say."""
    email = result.email
    if email is not None:
        # The provider sends "Per conto di: <sender>" from its own address, with Reply-To the sender.
        pec["sender"] = (email.reply_to or [email.sender])[0]
        pec["recipients"] = [{"address": a, "type": ""} for a in email.to]
        subject = email.subject
        for prefix in ("POSTA CERTIFICATA:", "ANOMALIA MESSAGGIO:"):
            if subject.upper().startswith(prefix):
                subject = subject[len(prefix) :].strip()
        pec["subject"] = subject
    if result.date is not None:
        pec["date"] = result.date.isoformat()


def _check_signature(result: Extraction, raw: bytes, msg: Message, signature: bytes | None) -> dict[str, Any]:
    if signature is None:
        result.warnings.append("PEC without its S/MIME signature (smime.p7s)")
        return {"present": False, "verified": False, "trust_checked": False}
    content = signed_part(raw, msg)
    try:
        signed = cades.unwrap(signature, detached_content=content)
    except CorruptDocument as err:
        result.warnings.append(f"PEC signature unreadable: {err.reason}")
        return {"present": True, "verified": False, "trust_checked": False, "error": err.reason}
    report: dict[str, Any] = {"present": True, **signed.to_metadata()}
    if not signed.verified:
        errors = "; ".join(s.error for s in signed.signers if s.error) or "no signer"
        result.warnings.append(f"PEC signature does not verify: {errors}")
        report["error"] = errors
    return report


def _summary(pec: dict[str, Any]) -> str:
    """Readable Italian lines on top of the provider's text."""
    when = pec["date"] or "-"
    lines = [f"{pec['type_label']} (PEC)"]
    if pec["subject"]:
        lines.append(f"Oggetto: {pec['subject']}")
    if pec["sender"]:
        lines.append(f"Mittente: {pec['sender']}")
    if pec["recipients"]:
        lines.append("Destinatari: " + ", ".join(r["address"] for r in pec["recipients"]))
    if pec["delivered_to"]:
        delivered = pec["type"] in ("avvenuta-consegna", "posta-certificata-consegna")
        lines.append(f"{'Consegnato a' if delivered else 'Destinatario'}: {pec['delivered_to']}")
    lines.append(f"Data: {when}")
    if pec["error"] or pec["error_detail"]:
        lines.append(f"Errore: {' - '.join(e for e in (pec['error'], pec['error_detail']) if e)}")
    if pec["identifier"]:
        lines.append(f"Identificativo: {pec['identifier']}")
    if pec["original_message_id"]:
        lines.append(f"Messaggio originale: {pec['original_message_id']}")
    return "\n".join(lines)
