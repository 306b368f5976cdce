"""Errors raised by the NLP stage.

Exception tree::

    NlpError
     └── ModelNotAvailableError   a model package is missing or cannot be loaded

Text itself never raises: any string, even empty or binary garbage, yields
annotations. Only the environment (a missing model) is an error.
"""

from __future__ import annotations

__all__ = ["ModelNotAvailableError", "NlpError"]


class NlpError(Exception):
    """Base class of every error raised by `nlp`."""


class ModelNotAvailableError(NlpError):
    """A model package is not installed or cannot be loaded."""
