"""FatturaPA e-invoices (v1.2.x ordinary FPR12/FPA12 and simplified FSM10) as plain data.

One file holds one header and one or more bodies (a *lotto*): every body is one
invoice. `split_bodies` re-serialises each body with the shared header into a
small FatturaPA file of its own, so each invoice becomes its own document.
`parse_invoice` reads one body into `Invoice` (``Invoice.to_metadata()`` is what
lands in ``Document.metadata["invoice"]``); `render` writes the readable Italian
text used for full-text search and display.

Elements are looked up by local name, so any namespace prefix (``p:``, ``ns2:``,
none) and both the v1.0 and v1.2 namespaces work.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element, tostring

from ingest.italian._xml import child, children, find, local, text_of

__all__ = [
    "DOCUMENT_TYPES",
    "Attachment",
    "Invoice",
    "Party",
    "attachments",
    "bodies",
    "is_fatturapa_root",
    "money",
    "parse_invoice",
    "render",
    "split_bodies",
]

# TipoDocumento codes (specifiche tecniche v1.8).
DOCUMENT_TYPES: dict[str, str] = {
    "TD01": "Fattura",
    "TD02": "Acconto/anticipo su fattura",
    "TD03": "Acconto/anticipo su parcella",
    "TD04": "Nota di credito",
    "TD05": "Nota di debito",
    "TD06": "Parcella",
    "TD07": "Fattura semplificata",
    "TD08": "Nota di credito semplificata",
    "TD09": "Nota di debito semplificata",
    "TD16": "Integrazione fattura reverse charge interno",
    "TD17": "Integrazione/autofattura per acquisto servizi dall'estero",
    "TD18": "Integrazione per acquisto di beni intracomunitari",
    "TD19": "Integrazione/autofattura per acquisto di beni ex art.17 c.2 DPR 633/72",
    "TD20": "Autofattura per regolarizzazione e integrazione delle fatture",
    "TD21": "Autofattura per splafonamento",
    "TD22": "Estrazione beni da Deposito IVA",
    "TD23": "Estrazione beni da Deposito IVA con versamento dell'IVA",
    "TD24": "Fattura differita (art.21 c.4 lett. a)",
    "TD25": "Fattura differita (art.21 c.4 terzo periodo lett. b)",
    "TD26": "Cessione di beni ammortizzabili e passaggi interni",
    "TD27": "Fattura per autoconsumo o cessioni gratuite senza rivalsa",
    "TD28": "Acquisti da San Marino con IVA",
    "TD29": "Comunicazione per omessa o irregolare fatturazione",
}
_ROOTS = ("FatturaElettronica", "FatturaElettronicaSemplificata")


@dataclass
class Party:
    """Supplier (cedente/prestatore) or customer (cessionario/committente)."""

    name: str = ""
    vat: str = ""  # IdPaese + IdCodice, e.g. IT01234567890
    codice_fiscale: str = ""
    address: str = ""
    regime_fiscale: str = ""


@dataclass
class Attachment:
    """An `Allegati` entry, decoded."""

    name: str
    data: bytes
    format: str = ""
    description: str = ""


@dataclass
class Invoice:
    """One FatturaElettronicaBody with the header data it shares with its siblings."""

    format: str = ""  # FPR12, FPA12, FSM10
    transmitter: str = ""
    progressive: str = ""
    recipient_code: str = ""
    recipient_pec: str = ""
    supplier: Party = field(default_factory=Party)
    customer: Party = field(default_factory=Party)
    document_type: str = ""
    number: str = ""
    date: str = ""  # ISO yyyy-mm-dd as written
    currency: str = ""
    total: float | None = None
    total_computed: bool = False
    taxable_total: float | None = None
    vat_total: float | None = None
    causale: list[str] = field(default_factory=list)
    vat_summary: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def document_type_label(self) -> str:
        return DOCUMENT_TYPES.get(self.document_type, self.document_type)

    def to_metadata(self) -> dict[str, Any]:
        """JSON-ready dict stored as ``metadata["invoice"]``."""
        data = asdict(self)
        del data["warnings"]
        data["document_type_label"] = self.document_type_label
        return data


def is_fatturapa_root(root: Element) -> bool:
    return local(root.tag) in _ROOTS


def bodies(root: Element) -> list[Element]:
    return children(root, "FatturaElettronicaBody")


def split_bodies(root: Element) -> list[bytes]:
    """One standalone FatturaPA file (UTF-8) per body, each with the shared header."""
    header = child(root, "FatturaElettronicaHeader")
    files = []
    for body in bodies(root):
        single = Element(root.tag, dict(root.attrib))
        if header is not None:
            single.append(header)
        single.append(body)
        files.append(tostring(single, encoding="utf-8", xml_declaration=True))
    return files


def _amount(value: str) -> float | None:
    if not value:
        return None
    try:
        return float(Decimal(value.replace(",", ".")))
    except InvalidOperation:
        return None


def _vat_id(node: Element | None) -> str:
    country, code = text_of(node, "IdPaese").upper(), text_of(node, "IdCodice").upper().replace(" ", "")
    if not code:
        return ""
    # Some senders repeat the country inside IdCodice (GB + GB999…): keep it once.
    return code if country and code.startswith(country) else f"{country}{code}"


def _address(sede: Element | None) -> str:
    if sede is None:
        return ""
    street = " ".join(p for p in (text_of(sede, "Indirizzo"), text_of(sede, "NumeroCivico")) if p)
    town = " ".join(p for p in (text_of(sede, "CAP"), text_of(sede, "Comune")) if p)
    province = text_of(sede, "Provincia")
    if province:
        town = f"{town} ({province})"
    return ", ".join(p for p in (street, town, text_of(sede, "Nazione")) if p)


def _first(scopes: list[Element | None], *path: str) -> str:
    for scope in scopes:
        value = text_of(scope, *path)
        if value:
            return value
    return ""


def _party(node: Element | None) -> Party:
    """Works for the ordinary layout (DatiAnagrafici/Anagrafica) and the simplified one.

    Only the party's own elements are read: a RappresentanteFiscale inside it has its
    own name and VAT number, which must not be taken for the party's.
    """
    if node is None:
        return Party()
    registry = child(node, "DatiAnagrafici")
    ids = [registry, child(node, "IdentificativiFiscali"), node]
    other = child(node, "AltriDatiIdentificativi")
    names = [child(registry, "Anagrafica"), other, node]
    name = _first(names, "Denominazione")
    if not name:
        name = " ".join(p for p in (_first(names, "Nome"), _first(names, "Cognome")) if p)
    vat_node = next((found for s in ids if (found := child(s, "IdFiscaleIVA")) is not None), None)
    return Party(
        name=name,
        vat=_vat_id(vat_node),
        codice_fiscale=_first(ids, "CodiceFiscale").upper(),
        address=_address(sede if (sede := child(node, "Sede")) is not None else child(other, "Sede")),
        regime_fiscale=_first([registry, node], "RegimeFiscale"),
    )


def parse_invoice(root: Element, body: Element) -> Invoice:
    """Read one body (and the file's header) into an `Invoice`."""
    header = child(root, "FatturaElettronicaHeader")
    transmission = child(header, "DatiTrasmissione")
    general = find(body, "DatiGenerali", "DatiGeneraliDocumento")
    invoice = Invoice(
        format=root.get("versione", "") or text_of(transmission, "FormatoTrasmissione"),
        transmitter=_vat_id(child(transmission, "IdTrasmittente")),
        progressive=text_of(transmission, "ProgressivoInvio"),
        recipient_code=text_of(transmission, "CodiceDestinatario"),
        recipient_pec=text_of(transmission, "PECDestinatario"),
        supplier=_party(child(header, "CedentePrestatore")),
        customer=_party(child(header, "CessionarioCommittente")),
        document_type=text_of(general, "TipoDocumento"),
        number=text_of(general, "Numero"),
        date=text_of(general, "Data"),
        currency=text_of(general, "Divisa"),
        total=_amount(text_of(general, "ImportoTotaleDocumento")),
        causale=[" ".join((c.text or "").split()) for c in children(general, "Causale") if c.text],
    )
    if general is None:
        invoice.warnings.append("the invoice has no DatiGeneraliDocumento")
    _goods(invoice, body)
    _payments(invoice, body)
    invoice.attachments = [text_of(a, "NomeAttachment") for a in children(body, "Allegati")]
    if invoice.total is None and invoice.vat_summary:
        invoice.total = round((invoice.taxable_total or 0.0) + (invoice.vat_total or 0.0), 2)
        invoice.total_computed = True
        invoice.warnings.append(
            "ImportoTotaleDocumento is missing: the total is computed from DatiRiepilogo (taxable + VAT)"
        )
    elif invoice.total is None and invoice.lines and local(root.tag) == "FatturaElettronicaSemplificata":
        invoice.total = round(sum(line.get("total") or 0.0 for line in invoice.lines), 2)
        invoice.total_computed = True
        invoice.warnings.append(
            "simplified invoice without a total: the total is the sum of the Importo of its lines"
        )
    for name, value in (("Numero", invoice.number), ("Data", invoice.date)):
        if not value:
            invoice.warnings.append(f"the invoice has no {name}")
    return invoice


def _goods(invoice: Invoice, body: Element) -> None:
    for goods in children(body, "DatiBeniServizi"):
        for line in children(goods, "DettaglioLinee"):
            invoice.lines.append(
                {
                    "number": text_of(line, "NumeroLinea"),
                    "description": text_of(line, "Descrizione"),
                    "quantity": _amount(text_of(line, "Quantita")),
                    "unit": text_of(line, "UnitaMisura"),
                    "unit_price": _amount(text_of(line, "PrezzoUnitario")),
                    "total": _amount(text_of(line, "PrezzoTotale")),
                    "vat_rate": _amount(text_of(line, "AliquotaIVA")),
                }
            )
        for summary in children(goods, "DatiRiepilogo"):
            invoice.vat_summary.append(
                {
                    "rate": _amount(text_of(summary, "AliquotaIVA")),
                    "nature": text_of(summary, "Natura"),
                    "taxable": _amount(text_of(summary, "ImponibileImporto")),
                    "tax": _amount(text_of(summary, "Imposta")),
                    "chargeability": text_of(summary, "EsigibilitaIVA"),
                }
            )
        if find(goods, "Importo") is not None:  # simplified invoice: one line per DatiBeniServizi
            invoice.lines.append(
                {
                    "number": str(len(invoice.lines) + 1),
                    "description": text_of(goods, "Descrizione"),
                    "total": _amount(text_of(goods, "Importo")),
                    "vat_rate": _amount(text_of(goods, "DatiIVA", "Aliquota")),
                    "vat": _amount(text_of(goods, "DatiIVA", "Imposta")),
                }
            )
    if invoice.vat_summary:
        invoice.taxable_total = round(sum(s["taxable"] or 0.0 for s in invoice.vat_summary), 2)
        invoice.vat_total = round(sum(s["tax"] or 0.0 for s in invoice.vat_summary), 2)


def _payments(invoice: Invoice, body: Element) -> None:
    for payment in children(body, "DatiPagamento"):
        terms = text_of(payment, "CondizioniPagamento")
        for detail in children(payment, "DettaglioPagamento") or [payment]:
            invoice.payments.append(
                {
                    "terms": terms,
                    "method": text_of(detail, "ModalitaPagamento"),
                    "due_date": text_of(detail, "DataScadenzaPagamento"),
                    "amount": _amount(text_of(detail, "ImportoPagamento")),
                    "iban": text_of(detail, "IBAN").replace(" ", "").upper(),
                    "bank": text_of(detail, "IstitutoFinanziario"),
                    "beneficiary": text_of(detail, "Beneficiario"),
                }
            )


def attachments(body: Element) -> tuple[list[Attachment], list[str]]:
    """The body's `Allegati`, decoded; a bad one is skipped with a warning."""
    found: list[Attachment] = []
    warnings: list[str] = []
    for number, node in enumerate(children(body, "Allegati"), start=1):
        name = text_of(node, "NomeAttachment") or f"allegato-{number}"
        raw = "".join((text_of(node, "Attachment") or "").split())
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            warnings.append(f"attachment {name!r} is not valid base64; skipped")
            continue
        if not data:
            warnings.append(f"attachment {name!r} is empty; skipped")
            continue
        fmt = text_of(node, "FormatoAttachment")
        if fmt and "." not in name:
            name = f"{name}.{fmt.lower()}"
        found.append(Attachment(name, data, fmt, text_of(node, "DescrizioneAttachment")))
    return found, warnings


def money(value: float | None, currency: str = "") -> str:
    """Italian amount: ``1.234,50 EUR``; ``-`` when unknown."""
    if value is None:
        return "-"
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} {currency}".strip()


def _italian_date(iso: str) -> str:
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


def _party_lines(label: str, party: Party) -> list[str]:
    ids = [
        f"P.IVA {party.vat}" if party.vat else "",
        f"C.F. {party.codice_fiscale}" if party.codice_fiscale else "",
    ]
    lines = [f"{label}: {party.name or '-'}"]
    if any(ids):
        lines.append("  " + " - ".join(i for i in ids if i))
    if party.address:
        lines.append(f"  Sede: {party.address}")
    return lines


def render(invoice: Invoice) -> str:
    """Readable Italian text of one invoice, for full-text search and the document page."""
    out = [
        f"{invoice.document_type_label or 'Fattura'} n. {invoice.number or '-'} "
        f"del {_italian_date(invoice.date) or '-'}",
        f"Tipo documento: {invoice.document_type} ({invoice.document_type_label})"
        if invoice.document_type
        else "",
        *_party_lines("Fornitore (cedente/prestatore)", invoice.supplier),
        *_party_lines("Cliente (cessionario/committente)", invoice.customer),
    ]
    for causale in invoice.causale:
        out.append(f"Causale: {causale}")
    if invoice.lines:
        out.append("Righe:")
        for line in invoice.lines:
            rate = line.get("vat_rate")
            vat = f" (IVA {money(rate)}%)" if rate is not None else ""
            qty = line.get("quantity")
            amount = f"{money(qty)} x {money(line.get('unit_price'))} = " if qty is not None else ""
            out.append(
                f"  {line.get('number') or '-'}. {line.get('description') or ''} - "
                f"{amount}{money(line.get('total'), invoice.currency)}{vat}"
            )
    if invoice.vat_summary:
        out.append("Riepilogo IVA:")
        for s in invoice.vat_summary:
            nature = f" natura {s['nature']}" if s["nature"] else ""
            out.append(
                f"  aliquota {money(s['rate'])}%{nature}: "
                f"imponibile {money(s['taxable'], invoice.currency)}, "
                f"imposta {money(s['tax'], invoice.currency)}"
            )
    computed = " (calcolato dal riepilogo)" if invoice.total_computed else ""
    out.append(f"Totale documento: {money(invoice.total, invoice.currency)}{computed}")
    for p in invoice.payments:
        parts = [
            f"condizioni {p['terms']}" if p["terms"] else "",
            f"modalità {p['method']}" if p["method"] else "",
            f"scadenza {_italian_date(p['due_date'])}" if p["due_date"] else "",
            f"importo {money(p['amount'], invoice.currency)}" if p["amount"] is not None else "",
            f"IBAN {p['iban']}" if p["iban"] else "",
            p["bank"],
        ]
        out.append("Pagamento: " + ", ".join(part for part in parts if part))
    if invoice.attachments:
        out.append("Allegati: " + ", ".join(invoice.attachments))
    if invoice.recipient_code or invoice.recipient_pec:
        dest = ", ".join(p for p in (invoice.recipient_code, invoice.recipient_pec) if p)
        progressive = invoice.progressive or "-"
        out.append(f"Trasmissione: {invoice.format} progressivo {progressive}, destinatario {dest}")
    return "\n".join(line for line in out if line)
