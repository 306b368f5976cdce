"""PEC (posta elettronica certificata) envelopes and receipts as plain data.

A PEC message is recognised by its ``X-Trasporto`` header (``posta-certificata``
or ``errore``) or its ``X-Ricevuta`` header (``accettazione``,
``avvenuta-consegna``, ``mancata-consegna``…). The certified data are in the
``daticert.xml`` part (DPR 68/2005, DM 2/11/2005): `parse_daticert` reads them.
`signed_part` finds the bytes covered by the provider's S/MIME signature
(``multipart/signed``), so `ingest.italian.cades.unwrap` can check it.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.message import Message
from typing import Any
from xml.etree.ElementTree import Element

from ingest.errors import CorruptDocument
from ingest.italian._xml import child, children, find, parse_xml, text_of

__all__ = [
    "PEC_TYPES",
    "RECEIPT_TYPES",
    "normalise_id",
    "parse_daticert",
    "pec_type",
    "signed_part",
]

# Envelope type -> Italian label (as the provider names it).
PEC_TYPES: dict[str, str] = {
    "posta-certificata": "Posta certificata",
    "errore": "Busta di anomalia",
    "accettazione": "Ricevuta di accettazione",
    "non-accettazione": "Avviso di non accettazione",
    "presa-in-carico": "Ricevuta di presa in carico",
    "avvenuta-consegna": "Ricevuta di avvenuta consegna",
    "posta-certificata-consegna": "Ricevuta di avvenuta consegna",
    "mancata-consegna": "Avviso di mancata consegna",
    "errore-consegna": "Avviso di mancata consegna",
    "preavviso-errore-consegna": "Avviso di mancata consegna per superamento tempi massimi",
    "rilevazione-virus": "Avviso di rilevazione virus informatico",
}
# Types that certify another message rather than carry one.
RECEIPT_TYPES = frozenset(PEC_TYPES) - {"posta-certificata", "errore"}
_ID = re.compile(r"<([^<>]+)>")


def normalise_id(value: str) -> str:
    """``<Abc@Host>`` → ``abc@host`` (the form links are made with)."""
    match = _ID.search(value or "")
    return (match.group(1) if match else (value or "")).strip().lower()


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    return " ".join(str(value).split()).strip().lower() if value is not None else ""


def pec_type(msg: Message) -> tuple[str, str, str]:
    """(type, X-Trasporto, X-Ricevuta) of a PEC message; type is '' for ordinary mail."""
    transport = _header(msg, "x-trasporto")
    receipt = _header(msg, "x-ricevuta")
    return (receipt or transport), transport, receipt


def _date(node: Element | None) -> str:
    day, hour = text_of(node, "giorno"), text_of(node, "ora")
    zone = node.get("zona", "") if node is not None else ""
    if not day:
        return ""
    try:
        moment = datetime.strptime(f"{day} {hour or '00:00:00'} {zone or '+0000'}", "%d/%m/%Y %H:%M:%S %z")
    except ValueError:
        return f"{day} {hour} {zone}".strip()
    return moment.isoformat()


def parse_daticert(data: bytes) -> dict[str, Any]:
    """The certified data of ``daticert.xml``; `CorruptDocument` if it is not that file."""
    root = parse_xml(data, "daticert.xml")
    header = child(root, "intestazione")
    dati = child(root, "dati")
    if header is None and dati is None:
        raise CorruptDocument("daticert.xml has neither <intestazione> nor <dati>")
    receipt = child(dati, "ricevuta")
    error = root.get("errore", "")
    return {
        "type": root.get("tipo", ""),
        "error": "" if error == "nessuno" else error,
        "sender": text_of(header, "mittente").lower(),
        "recipients": [
            {"address": (r.text or "").strip().lower(), "type": r.get("tipo", "")}
            for r in children(header, "destinatari")
            if (r.text or "").strip()
        ],
        "reply_to": text_of(header, "risposte").lower(),
        "subject": text_of(header, "oggetto"),
        "provider": text_of(dati, "gestore-emittente"),
        "date": _date(find(dati, "data")),
        "identifier": text_of(dati, "identificativo"),
        "original_message_id": text_of(dati, "msgid"),
        "receipt_kind": receipt.get("tipo", "") if receipt is not None else "",
        "delivered_to": text_of(dati, "consegna").lower(),
        "error_detail": text_of(dati, "errore-esteso"),
    }


def signed_part(raw: bytes, msg: Message) -> bytes | None:
    """The first part of a top-level ``multipart/signed`` as signed: raw bytes, CRLF line ends."""
    if msg.get_content_type() != "multipart/signed":
        return None
    boundary = msg.get_boundary()
    if not boundary:
        return None
    delimiter = b"--" + boundary.encode("ascii", "replace")
    pieces = raw.replace(b"\r\n", b"\n").split(b"\n" + delimiter)
    if len(pieces) < 3:
        return None
    first = pieces[1]
    # `first` starts with the rest of the delimiter line (transport padding, newline).
    newline = first.find(b"\n")
    if newline < 0:
        return None
    return first[newline + 1 :].replace(b"\n", b"\r\n")
