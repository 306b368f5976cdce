"""FatturaPA e-invoices (``application/vnd.fatturapa+xml``, recognised by `ingest.detect`).

A file with one body is one invoice: its document carries ``metadata["invoice"]``
(see `ingest.italian.fatturapa.Invoice.to_metadata`), the readable Italian text as
its page, and its `Allegati` as children. A file with several bodies (a *lotto*)
is a container: ``metadata["invoice_batch"]`` lists the invoices, and each body
becomes a child FatturaPA file (position ``body/N``, the shared header copied in)
that is extracted again as a one-body invoice with its own attachments.

A file that claims to be FatturaPA but does not parse is indexed as plain text with
a warning, so nothing is lost and the reason is visible; one with a DTD or entities
(`ForbiddenXml`) is hostile, not damaged, and goes to quarantine.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import PurePath
from typing import ClassVar
from xml.etree.ElementTree import Element

from core.document import Page
from ingest.errors import CorruptDocument
from ingest.extractors.base import Child, Extraction, Extractor, Source
from ingest.italian import fatturapa
from ingest.italian._xml import ForbiddenXml, parse_xml
from ingest.mail import decode_bytes

__all__ = ["FATTURAPA_MIME", "FatturaPAExtractor"]

FATTURAPA_MIME = "application/vnd.fatturapa+xml"
_TAG = re.compile(r"<[^>]*>")


class FatturaPAExtractor(Extractor):
    """Supplier, customer, number, date, totals, VAT, payments, lines and attachments."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (FATTURAPA_MIME,)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".xml",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        data = source.read_bytes()
        try:
            root = parse_xml(data, "the FatturaPA file")
        except ForbiddenXml:
            raise
        except CorruptDocument as err:
            return _as_text(data, err.reason)
        if not fatturapa.is_fatturapa_root(root):
            return _as_text(data, "the root element is not FatturaElettronica")
        found = fatturapa.bodies(root)
        if not found:
            return _as_text(data, "the FatturaPA file has no FatturaElettronicaBody")
        if len(found) > 1:
            return _batch(root, found, source.filename)
        invoice = fatturapa.parse_invoice(root, found[0])
        result = Extraction(
            pages=[Page(1, fatturapa.render(invoice))],
            title=_title(invoice),
            date=_date(invoice.date),
            metadata={"invoice": invoice.to_metadata()},
            warnings=list(invoice.warnings),
        )
        attached, warnings = fatturapa.attachments(found[0])
        result.warnings.extend(warnings)
        for number, item in enumerate(attached, start=1):
            meta = {"invoice_attachment": {"format": item.format, "description": item.description}}
            result.children.append(Child(item.name, item.data, f"allegato/{number}", None, meta))
        return result


def _title(invoice: fatturapa.Invoice) -> str:
    label = invoice.document_type_label or "Fattura"
    supplier = f" - {invoice.supplier.name}" if invoice.supplier.name else ""
    return f"{label} n. {invoice.number or '?'} del {invoice.date or '?'}{supplier}"


def _date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _batch(root: Element, found: list[Element], filename: str) -> Extraction:
    invoices = [fatturapa.parse_invoice(root, body) for body in found]
    supplier = invoices[0].supplier
    lines = [f"Lotto di {len(invoices)} fatture di {supplier.name or '-'} (P.IVA {supplier.vat or '-'})"]
    summary = []
    for number, invoice in enumerate(invoices, start=1):
        total = fatturapa.money(invoice.total, invoice.currency)
        lines.append(f"  {number}. {_title(invoice)}, totale {total}")
        summary.append(
            {"body": number, "number": invoice.number, "date": invoice.date, "total": invoice.total}
        )
    stem = PurePath(filename).stem or "fattura"
    children = [
        Child(f"{stem}_{number}.xml", data, f"body/{number}", FATTURAPA_MIME, {"invoice_body": number})
        for number, data in enumerate(fatturapa.split_bodies(root), start=1)
    ]
    return Extraction(
        pages=[Page(1, "\n".join(lines))],
        title=f"Lotto di {len(invoices)} fatture - {supplier.name}".strip(" -"),
        date=_date(invoices[0].date),
        metadata={
            "invoice_batch": {
                "count": len(invoices),
                "supplier": {"name": supplier.name, "vat": supplier.vat},
                "invoices": summary,
            }
        },
        children=children,
    )


def _as_text(data: bytes, reason: str) -> Extraction:
    text, _ = decode_bytes(data, None)
    plain = "\n".join(" ".join(line.split()) for line in _TAG.sub(" ", text).splitlines())
    plain = re.sub(r"\n{2,}", "\n", plain).strip()
    return Extraction(
        pages=[Page(1, plain)],
        warnings=[f"FatturaPA not read ({reason}); indexed as plain text without invoice fields"],
    )
