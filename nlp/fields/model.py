"""A key field as plain data: `KeyField`, stored as dicts in ``metadata["fields"]``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nlp.fields.layout import Box

__all__ = ["FIELD_NAMES", "KeyField", "fields_from_dicts", "fields_to_dicts"]

FIELD_NAMES = (
    "doc_date",
    "supplier",
    "supplier_vat",
    "number",
    "total",
    "currency",
    "tax",
    "due_date",
    "iban",
)


@dataclass(frozen=True)
class KeyField:
    """One key field: normalised value, text as printed, confidence 0–1, box, and where it came from."""

    name: str
    value: str
    text: str = ""
    confidence: float = 0.0
    box: Box | None = None
    source: str = "layout"  # layout (OCR boxes) | text | fatturapa | user

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "text": self.text,
            "confidence": round(self.confidence, 3),
            "box": self.box.to_dict() if self.box else None,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeyField:
        box = data.get("box")
        return cls(
            name=str(data["name"]),
            value=str(data["value"]),
            text=str(data.get("text") or ""),
            confidence=float(data.get("confidence") or 0.0),
            box=Box(**box) if isinstance(box, dict) else None,
            source=str(data.get("source") or "layout"),
        )


def fields_to_dicts(fields: Sequence[KeyField]) -> list[dict[str, Any]]:
    return [f.to_dict() for f in fields]


def fields_from_dicts(data: Any) -> list[KeyField]:
    """Fields stored as plain data (``metadata["fields"]``); anything malformed is skipped."""
    found: list[KeyField] = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and item.get("name") in FIELD_NAMES and item.get("value") is not None:
            try:
                found.append(KeyField.from_dict(item))
            except (TypeError, ValueError):
                continue
    return found
