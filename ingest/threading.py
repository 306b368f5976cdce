"""E-mail thread identifiers from Message-ID, In-Reply-To and References."""

from __future__ import annotations

import hashlib
import re

from core.document import EmailHeaders

__all__ = ["normalise_message_id", "thread_id"]

_ANGLE = re.compile(r"<([^<>]+)>")


def normalise_message_id(value: str) -> str:
    """`<Abc@Host>` → `abc@host`; empty when there is no id."""
    match = _ANGLE.search(value or "")
    raw = match.group(1) if match else (value or "").strip()
    return raw.strip().lower()


def thread_id(headers: EmailHeaders) -> str | None:
    """The thread is named after its first message: the oldest reference, else the parent, else itself."""
    candidates = [*headers.references, headers.in_reply_to, headers.message_id]
    for candidate in candidates:
        root = normalise_message_id(candidate)
        if root:
            return hashlib.sha256(root.encode()).hexdigest()[:24]
    return None
