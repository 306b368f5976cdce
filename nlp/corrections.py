"""Applying users' corrections to annotations, so that they survive reprocessing.

`validate_correction(kind, value)` checks and normalises a value before it is
stored (see `core.corrections` for the kinds). `apply_corrections(doc, corrections)`
replays a document's corrections, oldest first, on freshly computed annotations:

- ``category`` sets the category; ``complaint`` sets the flag and the probability
  (1.0 or 0.0); unless the user also set the category, a complaint gets the
  category "complaint" and a document that is no longer one leaves it for "other";
- ``entity_add`` adds an entity with source "user", at the first place its text
  (or value) occurs in the document, or without a position (start = end = 0);
- ``field`` sets a key field (``metadata["fields"]``, see `nlp.fields.corrections`),
  ``doc_type`` the document type (``metadata["doc_type"]``);
- ``entity_remove`` drops every entity with that label and value (case-insensitive),
  including ones a later NLP run finds again.

`apply_catalog_corrections(catalog, docs)` does it for a batch, reading the catalog once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from core.catalog import Catalog
from core.corrections import KINDS, corrections_for
from core.document import Document, Entity
from core.errors import ErrorKind
from nlp.category import CATEGORIES
from nlp.errors import NlpError
from nlp.fields import DOCUMENT_TYPES, FIELD_NAMES
from nlp.fields.corrections import apply_doc_type, apply_field, normalise_field

__all__ = ["ENTITY_LABELS", "InvalidCorrectionError", "apply_catalog_corrections", "apply_corrections",
           "validate_correction"]  # fmt: skip

ENTITY_LABELS = (
    "PERSON", "ORG", "LOC", "EMAIL", "PHONE", "IBAN", "CODICE_FISCALE", "PARTITA_IVA", "MONEY", "DATE",
    "REFERENCE",
)  # fmt: skip


class InvalidCorrectionError(NlpError, ValueError):
    """A correction whose kind or value makes no sense."""

    kind: ClassVar[ErrorKind] = "invalid"
    code: ClassVar[str] = "bad_request"


def validate_correction(kind: str, value: Any) -> Any:
    """The normalised value of a correction, or `InvalidCorrectionError`."""
    if kind not in KINDS:
        raise InvalidCorrectionError(f"kind must be one of {', '.join(KINDS)}")
    if kind == "category":
        if value not in CATEGORIES:
            raise InvalidCorrectionError(f"category must be one of {', '.join(CATEGORIES)}")
        return value
    if kind == "complaint":
        if not isinstance(value, bool):
            raise InvalidCorrectionError("complaint must be true or false")
        return value
    if kind == "doc_type":
        if value not in DOCUMENT_TYPES:
            raise InvalidCorrectionError(f"doc_type must be one of {', '.join(DOCUMENT_TYPES)}")
        return value
    if kind == "field":
        if not isinstance(value, dict):
            raise InvalidCorrectionError("field needs an object with name and value")
        name = str(value.get("name", ""))
        try:
            return {"name": name, "value": normalise_field(name, value.get("value"))}
        except ValueError as err:
            raise InvalidCorrectionError(str(err)) from err
    if not isinstance(value, dict):
        raise InvalidCorrectionError(f"{kind} needs an object with label and value")
    label = str(value.get("label", "")).upper()
    text = str(value.get("value", "")).strip()
    if label not in ENTITY_LABELS:
        raise InvalidCorrectionError(f"label must be one of {', '.join(ENTITY_LABELS)}")
    if not text or len(text) > 1000:
        raise InvalidCorrectionError("value must be a non-empty string of at most 1000 characters")
    normalised: dict[str, Any] = {"label": label, "value": text}
    if kind == "entity_add":
        surface = str(value.get("text") or "").strip()
        if surface:
            normalised["text"] = surface
    return normalised


def _same(entity: Entity, label: str, value: str) -> bool:
    return entity.label == label and entity.value.casefold() == value.casefold()


def apply_corrections(doc: Document, corrections: Iterable[Any]) -> None:
    """Replay corrections (objects with `kind` and `value`, oldest first) on `doc.annotations`."""
    ann = doc.annotations
    text: str | None = None
    category_set = False
    for correction in corrections:
        kind, value = correction.kind, correction.value
        if kind == "category" and value in CATEGORIES:
            ann.category = value
            category_set = True
        elif kind == "complaint" and isinstance(value, bool):
            ann.complaint = value
            ann.complaint_probability = 1.0 if value else 0.0
            if value and not category_set:
                ann.category = "complaint"
            elif not value and ann.category == "complaint" and not category_set:
                ann.category = "other"
        elif kind == "field" and isinstance(value, dict) and value.get("name") in FIELD_NAMES:
            apply_field(doc.metadata, str(value["name"]), str(value.get("value", "")))
        elif kind == "doc_type" and isinstance(value, str):
            apply_doc_type(doc.metadata, value)
        elif kind in ("entity_add", "entity_remove") and isinstance(value, dict):
            label, target = str(value.get("label", "")), str(value.get("value", ""))
            ann.entities = [e for e in ann.entities if not _same(e, label, target)]
            if kind == "entity_add":
                text = doc.text if text is None else text
                ann.entities.append(_user_entity(text, label, target, str(value.get("text") or target)))
    ann.entities.sort(key=lambda e: (e.start, e.end))


def _user_entity(text: str, label: str, value: str, surface: str) -> Entity:
    start = text.find(surface)
    if start < 0:
        start = text.casefold().find(surface.casefold())
    if start < 0:
        return Entity(label=label, text=surface, value=value, start=0, end=0, source="user")
    end = start + len(surface)
    return Entity(label=label, text=text[start:end], value=value, start=start, end=end, source="user")


def apply_catalog_corrections(catalog: Catalog, docs: Sequence[Document]) -> None:
    """Apply the corrections stored in the catalog to each document of a batch."""
    stored = corrections_for(catalog, [doc.id for doc in docs])
    for doc in docs:
        if doc.id in stored:
            apply_corrections(doc, stored[doc.id])
