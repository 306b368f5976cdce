"""EMAIL: e-mail addresses, value lower-cased."""

from __future__ import annotations

import re

from core.document import Entity
from nlp.entities._base import make_entity

__all__ = ["find_emails"]

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)


def find_emails(text: str) -> list[Entity]:
    """Every e-mail address in `text`."""
    return [make_entity("EMAIL", text, m.start(), m.end(), m.group().lower()) for m in _EMAIL.finditer(text)]
