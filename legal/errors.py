"""The base of every error raised by `legal`, and the kinds that are not "invalid".

LegalError                        invalid request (a matter without a name, a bad policy)
├── HoldError (legal.holds)
│   ├── MatterNotFound            not_found
│   ├── MatterExists              conflict
│   ├── MatterReleased            conflict
│   └── UnknownDocuments          not_found
├── RetentionError (legal.retention)
│   ├── DocumentHeld              conflict: names the matters
│   └── UnknownDocument           not_found
└── ExportError (legal.export)
    ├── ExportTooLarge            too_large: how many documents and bytes
    └── NothingToExport           not_found
"""

from __future__ import annotations

from typing import ClassVar

from core.errors import ErrorKind, FaldoneError

__all__ = ["LegalError", "Missing", "StateConflict"]


class LegalError(FaldoneError, ValueError):
    """A legal request that cannot be honoured (a ValueError, as callers always treated them)."""

    kind: ClassVar[ErrorKind] = "invalid"
    code: ClassVar[str] = "bad_request"


class Missing:
    """Mixin: what the request names does not exist (or is not visible to the caller)."""

    kind: ClassVar[ErrorKind] = "not_found"
    code: ClassVar[str] = "not_found"


class StateConflict:
    """Mixin: the request is well formed but the state forbids it (a hold, a name taken)."""

    kind: ClassVar[ErrorKind] = "conflict"
    code: ClassVar[str] = "conflict"
