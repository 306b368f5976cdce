"""Users' corrections of key fields and of the document type: validated, then replayed.

A ``field`` correction is ``{"name": "total", "value": "1.234,56"}``; the value is
normalised as the rules would have written it (``1234.56``; dates to ISO;
VAT ids and IBANs upper case without spaces). A ``doc_type`` correction is one
of `DOCUMENT_TYPES`. Replayed after every reprocessing, the user's value
replaces the one the rules found (keeping the box it was read from), with
confidence 1 and source ``user``.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from nlp.fields.doctype import DOCUMENT_TYPES
from nlp.fields.model import FIELD_NAMES, KeyField, fields_from_dicts, fields_to_dicts
from nlp.fields.values import find_dates, parse_amount

__all__ = ["apply_doc_type", "apply_field", "normalise_field"]


def normalise_field(name: str, value: Any) -> str:
    """The stored form of a user's value for field `name`; ValueError when it cannot be one."""
    if name not in FIELD_NAMES:
        raise ValueError(f"field must be one of {', '.join(FIELD_NAMES)}")
    text = " ".join(str(value if value is not None else "").split())
    if not text or len(text) > 500:
        raise ValueError("value must be a non-empty string of at most 500 characters")
    if name in ("doc_date", "due_date"):
        dates = find_dates(text)
        if not dates:
            raise ValueError(f"{text!r} is not a date")
        return dates[0].value.isoformat()
    if name in ("total", "tax"):
        parsed = parse_amount(re.sub(r"[^\d.,' ]", "", text).strip())
        if parsed is None:
            raise ValueError(f"{text!r} is not an amount")
        return f"{parsed[0]:.2f}"
    if name in ("iban", "supplier_vat", "currency"):
        return re.sub(r"\s", "", text).upper()
    return text


def apply_field(metadata: MutableMapping[str, Any], name: str, value: str) -> None:
    """Set field `name` of ``metadata["fields"]`` to the user's `value`."""
    fields = fields_from_dicts(metadata.get("fields"))
    old = next((f for f in fields if f.name == name), None)
    user = KeyField(name, value, old.text if old else value, 1.0, old.box if old else None, "user")
    fields = [f for f in fields if f.name != name] + [user]
    fields.sort(key=lambda f: FIELD_NAMES.index(f.name))
    metadata["fields"] = fields_to_dicts(fields)


def apply_doc_type(metadata: MutableMapping[str, Any], value: str) -> None:
    if value in DOCUMENT_TYPES:
        metadata["doc_type"] = value
