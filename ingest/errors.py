"""Errors raised while reading a file.

    IngestError
    ├── UnsupportedFormat   no extractor reads this type
    ├── EncryptedDocument   a password protects the content
    ├── CorruptDocument     the bytes do not parse as the type they claim
    ├── EmptyDocument       nothing to read
    ├── LimitExceeded       depth, member count, expanded size or page limits
    └── ExtractionTimeout   the job ran past its time limit (raised by the worker)

    Unfinished (not an IngestError): a long scan paused at a checkpoint; resume it later

Faults of the machine rather than of the file (`ingest.ocr.OcrUnavailable`,
`ingest.imap.ImapError`) are `core.errors.FaldoneError`s of kind "unavailable", not
IngestErrors: they must be retried, never quarantined.

Each carries a readable `reason` that ends up in the quarantine record.
Extractors translate library exceptions into these with ``raise ... from err``.
"""

from __future__ import annotations

from typing import ClassVar

from core.errors import FaldoneError

__all__ = [
    "CorruptDocument",
    "EmptyDocument",
    "EncryptedDocument",
    "ExtractionTimeout",
    "IngestError",
    "LimitExceeded",
    "Unfinished",
    "UnsupportedFormat",
]


class IngestError(FaldoneError):
    """Base of every ingestion error; `str(err)` is the reason shown to users."""

    code: ClassVar[str] = "ingest_error"

    @property
    def reason(self) -> str:
        return str(self) or self.code


class UnsupportedFormat(IngestError):
    code: ClassVar[str] = "unsupported_format"


class EncryptedDocument(IngestError):
    code: ClassVar[str] = "encrypted"


class CorruptDocument(IngestError):
    code: ClassVar[str] = "corrupt"


class EmptyDocument(IngestError):
    code: ClassVar[str] = "empty"


class LimitExceeded(IngestError):
    code: ClassVar[str] = "limit_exceeded"


class ExtractionTimeout(IngestError):
    code: ClassVar[str] = "timeout"


class Unfinished(Exception):
    """A long job saved its progress (see `ingest.checkpoint`) and asks to be resumed later.

    Not an `IngestError`: containers must not quarantine a member that merely paused.
    """
