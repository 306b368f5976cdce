"""Links between PEC receipts and the message they certify, for the document page.

A receipt (accettazione, avvenuta-consegna, mancata-consegna…) names the message
it certifies by its Message-ID (``X-Riferimento-Message-ID`` / daticert ``msgid``),
stored normalised in ``metadata["pec"]["ref_message_ids"]`` by the PEC extractor.
The extractor also gives every envelope and receipt that id as ``in_reply_to``, so
they share the thread id of the message (a thread is named after its first
message): one indexed lookup on ``documents.thread_id`` finds the family, and
the metadata picks receipts and messages out of it.

Call `pec_links(catalog, doc)` for any document; it returns None when there is
nothing to link (not an e-mail, or no receipts and no messages found).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.catalog import Catalog
from core.document import Document
from core.models import DocumentRow

__all__ = ["PecLinks", "link_keys", "pec_links", "thread_key"]

_ANGLE = re.compile(r"<([^<>]+)>")
_RECEIPT_VERBS = {
    "accettazione": "Accettato dal gestore del mittente",
    "non-accettazione": "NON accettato dal gestore del mittente",
    "presa-in-carico": "Preso in carico dal gestore del destinatario",
    "avvenuta-consegna": "Consegnato",
    "posta-certificata-consegna": "Consegnato",
    "mancata-consegna": "NON consegnato",
    "errore-consegna": "NON consegnato",
    "preavviso-errore-consegna": "Consegna non ancora avvenuta (preavviso)",
    "rilevazione-virus": "Virus rilevato",
}


def _normalise(value: str) -> str:
    match = _ANGLE.search(value or "")
    return (match.group(1) if match else (value or "")).strip().lower()


def thread_key(message_id: str) -> str:
    """The thread id of a thread that starts with `message_id` (same rule as `ingest.threading`)."""
    return hashlib.sha256(_normalise(message_id).encode()).hexdigest()[:24]


def _pec(doc: Document) -> dict[str, Any]:
    pec = doc.metadata.get("pec")
    return pec if isinstance(pec, dict) else {}


def link_keys(doc: Document) -> list[str]:
    """Normalised message ids that `doc` is, or certifies."""
    pec = _pec(doc)
    keys = [str(k) for k in pec.get("ref_message_ids") or [pec.get("ref_message_id") or ""]]
    if doc.email and doc.email.message_id:
        keys.append(_normalise(doc.email.message_id))
    return [k for k in dict.fromkeys(_normalise(k) for k in keys) if k]


@dataclass
class PecLinks:
    """What the document page shows: "sent on …, delivered to … on …"."""

    message_ids: list[str]
    receipts: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = moment.strftime("%z")
    zone = f" ({zone[:3]}:{zone[3:]})" if zone else ""
    return moment.strftime("%d/%m/%Y alle %H:%M:%S") + zone


def _receipt(doc: Document) -> dict[str, Any]:
    pec = _pec(doc)
    return {
        "id": doc.id,
        "title": doc.title,
        "type": pec.get("type", ""),
        "type_label": pec.get("type_label", ""),
        "date": pec.get("date") or (doc.date.isoformat() if doc.date else ""),
        "sender": pec.get("sender", ""),
        "recipients": [r.get("address", "") for r in pec.get("recipients", []) if isinstance(r, dict)],
        "delivered_to": pec.get("delivered_to", ""),
        "error": pec.get("error", ""),
        "error_detail": pec.get("error_detail", ""),
        "identifier": pec.get("identifier", ""),
    }


def _sentence(receipt: dict[str, Any]) -> str:
    verb = _RECEIPT_VERBS.get(receipt["type"], receipt["type_label"] or receipt["type"])
    target = receipt["delivered_to"] or ", ".join(receipt["recipients"])
    text = f"{verb}{' a ' + target if target and receipt['type'] != 'accettazione' else ''}"
    if receipt["date"]:
        text += f" il {_when(receipt['date'])}"
    if receipt["error"] or receipt["error_detail"]:
        text += ": " + " - ".join(e for e in (receipt["error"], receipt["error_detail"]) if e)
    return text


def pec_links(catalog: Catalog, doc: Document) -> PecLinks | None:
    """Receipts certifying `doc` (or the message it certifies) and the messages a receipt certifies."""
    keys = link_keys(doc)
    if not keys:
        return None
    with catalog.session() as session:
        rows = session.scalars(
            select(DocumentRow).where(DocumentRow.thread_id.in_([thread_key(k) for k in keys]))
        )
        family = [Document.from_dict(row.data) for row in rows if row.id != doc.id]
    # A scoped catalog (one user's view) hides documents of other groups: never link to them.
    family = [other for other in family if catalog.document(other.id) is not None]
    links = PecLinks(message_ids=keys)
    for other in family:
        pec = _pec(other)
        refs = {_normalise(str(r)) for r in pec.get("ref_message_ids") or [pec.get("ref_message_id") or ""]}
        if pec.get("role") == "envelope" and pec.get("is_receipt") and refs & set(keys):
            links.receipts.append(_receipt(other))
        elif other.email and _normalise(other.email.message_id) in keys:
            links.messages.append(
                {"id": other.id, "title": other.title, "date": other.date.isoformat() if other.date else ""}
            )
    if not links.receipts and not links.messages:
        return None
    links.receipts.sort(key=lambda r: str(r["date"]))
    links.summary = [_sentence(r) for r in links.receipts]
    return links
