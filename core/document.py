"""The `Document` model that every stage passes on, and its parts.

An extractor fills pages, title, date, e-mail headers and metadata; NLP adds
`Annotations`; the index stores what search needs; the catalog stores it all.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_SOURCE",
    "PAGE_BREAK",
    "Annotations",
    "Document",
    "EmailHeaders",
    "Entity",
    "Page",
    "Passage",
    "child_id",
    "root_id",
]

PAGE_BREAK = "\f"
# The demo data set (`faldone demo`): its source, and the fictional company's e-mail domain.
DEMO_SOURCE = "demo"
DEMO_DOMAIN = "casaaurora.example"


@dataclass
class Page:
    """One page of text; `number` starts at 1."""

    number: int
    text: str
    ocr: bool = False
    confidence: float | None = None


@dataclass
class Entity:
    """A span of the document's text, with a normalised value."""

    label: str  # PERSON ORG LOC EMAIL PHONE IBAN CODICE_FISCALE PARTITA_IVA MONEY DATE REFERENCE
    text: str
    value: str
    start: int
    end: int
    source: str = "pattern"  # pattern | spacy | gazetteer | user


@dataclass
class Passage:
    """A few sentences of one page and their meaning as a vector (see `core.vectors`).

    `start`/`end` index `Document.text`; `vector` is the sentence encoder's unit vector,
    quantised to signed bytes and base64-encoded (`core.vectors.encode_vector`).
    """

    page: int
    start: int
    end: int
    vector: str


@dataclass
class Annotations:
    """What NLP says about a document."""

    language: str | None = None
    entities: list[Entity] = field(default_factory=list)
    sentiment: float = 0.0
    complaint: bool = False
    complaint_probability: float = 0.0
    category: str = "other"
    customers: list[str] = field(default_factory=list)
    # Passages embedded for search by meaning (`nlp.passages`), at most `MAX_PASSAGES` of them.
    passages: list[Passage] = field(default_factory=list)


@dataclass
class EmailHeaders:
    """Headers of an e-mail message, decoded."""

    sender: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)


@dataclass
class Document:
    """A document as it moves through ingest -> nlp -> index."""

    id: str
    sha256: str
    filename: str
    mime_type: str
    size: int
    source: str
    root_id: str
    parent_id: str | None = None
    depth: int = 0
    title: str = ""
    pages: list[Page] = field(default_factory=list)
    date: datetime | None = None
    ingested_at: datetime | None = None
    email: EmailHeaders | None = None
    thread_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    annotations: Annotations = field(default_factory=Annotations)

    @property
    def text(self) -> str:
        """All pages joined by form feeds, so an offset maps back to its page."""
        return PAGE_BREAK.join(page.text for page in self.pages)

    def page_of_offset(self, offset: int) -> int:
        """Page number that holds character `offset` of `text`."""
        return self.text.count(PAGE_BREAK, 0, max(0, offset)) + 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("date", "ingested_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        data["pages"] = [Page(**p) for p in data.get("pages", [])]
        if data.get("email"):
            data["email"] = EmailHeaders(**data["email"])
        ann = dict(data.get("annotations") or {})
        ann["entities"] = [Entity(**e) for e in ann.get("entities", [])]
        ann["passages"] = [Passage(**p) for p in ann.get("passages", [])]
        data["annotations"] = Annotations(**ann)
        for key in ("date", "ingested_at"):
            if data.get(key):
                data[key] = datetime.fromisoformat(data[key])
        return cls(**data)


def root_id(sha256: str) -> str:
    """Identifier of a top-level document: stable for the same bytes."""
    return sha256[:32]


def source_copy_id(sha256: str, source: str) -> str:
    """Identifier of a source's own document of bytes that another source holds already."""
    return hashlib.sha256(f"{sha256}@{source}".encode()).hexdigest()[:32]


def child_id(parent: str, position: str) -> str:
    """Identifier of an attachment or member: stable for the same parent and position."""
    return hashlib.sha256(f"{parent}/{position}".encode()).hexdigest()[:32]
