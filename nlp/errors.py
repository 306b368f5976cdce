"""Errors raised by the NLP stage.

Exception tree::

    NlpError
     └── ModelNotAvailableError   a model package is missing or cannot be loaded

Text itself never raises: any string, even empty or binary garbage, yields
annotations. Only the environment (a missing model) is an error.
"""

from __future__ import annotations

from typing import ClassVar

from core.errors import ErrorKind, FaldoneError

__all__ = ["ModelNotAvailableError", "NlpError"]


class NlpError(FaldoneError):
    """Base class of every error raised by `nlp`."""

    code: ClassVar[str] = "nlp_error"


class ModelNotAvailableError(NlpError):
    """A model package is not installed or cannot be loaded."""

    kind: ClassVar[ErrorKind] = "unavailable"
    code: ClassVar[str] = "model_unavailable"
