"""EMAIL: e-mail addresses, value lower-cased.

Message identifiers look like addresses but name no mailbox: an address right
after "Message-ID", "Identificativo" (PEC receipts) or "Messaggio originale", or
glued to a "$" ("<SN05IE$951DEC...@pec.it>"), is left out.
"""

from __future__ import annotations

import re

from core.document import Entity
from nlp.entities._base import context_before, make_entity

__all__ = ["find_emails"]

_EMAIL = re.compile(
    r"(?<![\w.+$-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)


_MESSAGE_ID = re.compile(r"(?:message-id|identificativo(?: del messaggio)?|messaggio originale)\s*:?\s*<?$")

# "write to info@example.it.Thanks": a capitalised last label is the next sentence, not a TLD.
_SENTENCE_AFTER = re.compile(r"(?<=\.[a-z]{2})\.[A-Z][a-z]+$|(?<=\.[a-z]{3})\.[A-Z][a-z]+$")


def find_emails(text: str) -> list[Entity]:
    """Every e-mail address in `text`."""
    found: list[Entity] = []
    for match in _EMAIL.finditer(text):
        if _MESSAGE_ID.search(context_before(text, match.start(), 32)):
            continue
        address = _SENTENCE_AFTER.sub("", match.group())
        start = match.start()
        found.append(make_entity("EMAIL", text, start, start + len(address), address.lower()))
    return found
