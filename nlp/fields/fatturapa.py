"""Key fields of a FatturaPA e-invoice: the values of its XML, exactly (confidence 1, no box).

Reads ``metadata["invoice"]`` as the FatturaPA extractor writes it
(`ingest.italian.fatturapa.Invoice.to_metadata`): plain data, so this module
needs nothing from ingest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nlp.fields.model import KeyField

__all__ = ["invoice_fields"]


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _money(value: Any) -> str:
    return f"{float(value):.2f}" if isinstance(value, int | float) and not isinstance(value, bool) else ""


def invoice_fields(invoice: Mapping[str, Any]) -> list[KeyField]:
    """doc_date, supplier, supplier_vat, number, total, currency, tax, due_date, iban of the invoice."""
    found = invoice.get("supplier")
    supplier: Mapping[str, Any] = found if isinstance(found, dict) else {}
    payments = [p for p in invoice.get("payments") or [] if isinstance(p, dict)]
    values = {
        "doc_date": _text(invoice.get("date")),
        "supplier": _text(supplier.get("name")),
        "supplier_vat": _text(supplier.get("vat")).upper(),
        "number": _text(invoice.get("number")),
        "total": _money(invoice.get("total")),
        "currency": _text(invoice.get("currency")).upper(),
        "tax": _money(invoice.get("vat_total")),
        "due_date": next((_text(p.get("due_date")) for p in payments if p.get("due_date")), ""),
        "iban": next((_text(p.get("iban")).upper() for p in payments if p.get("iban")), ""),
    }
    return [KeyField(name, value, value, 1.0, None, "fatturapa") for name, value in values.items() if value]
