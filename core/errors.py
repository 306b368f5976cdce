"""The root of every error Faldone raises on purpose, and what kind of failure it is.

Each package has one base class under `FaldoneError`, and its errors say what went wrong
for the caller through `kind`, never through an HTTP status: the API turns kinds into
statuses in one place (`api.errors`), the command line into exit messages.

    FaldoneError
    ├── CoreError      core: users, archive, customers, saved searches, corrections
    ├── SearchError    index: query language and search backends (index.backend)
    ├── NlpError       nlp: models (nlp.errors)
    ├── IngestError    ingest: reading files (ingest.errors)
    ├── LegalError     legal: holds, retention, export (legal.errors)
    └── ApiError       api: HTTP-only conditions (api.errors)
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

__all__ = ["CoreError", "ErrorKind", "FaldoneError", "Invalid", "NotFoundError"]

ErrorKind = Literal[
    "invalid",  # the request itself is wrong: fix it and retry
    "unauthenticated",
    "forbidden",
    "not_found",
    "conflict",  # the request is fine but the state forbids it now (a hold, a duplicate)
    "too_large",
    "too_many",
    "unavailable",  # a service it needs is down: retry later
    "internal",
]


class FaldoneError(Exception):
    """An error with a `kind`, a stable `code` for clients and optional `context` values."""

    kind: ClassVar[ErrorKind] = "internal"
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str = "", **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def add_context(self, **context: Any) -> None:
        """Values a caller knows better than the raiser (e.g. which upload was too large)."""
        self.context.update(context)


class CoreError(FaldoneError, ValueError):
    """Base of the errors raised by `core` (a ValueError, as callers always treated them)."""

    kind: ClassVar[ErrorKind] = "invalid"
    code: ClassVar[str] = "bad_request"


class Invalid(CoreError):
    """A value `core` refuses (an empty name, an unknown kind)."""


class NotFoundError(CoreError):
    """Something named by the caller does not exist."""

    kind: ClassVar[ErrorKind] = "not_found"
    code: ClassVar[str] = "not_found"
