"""What the Outlook readers (`.msg` and `.pst`) share: MAPI properties into an e-mail message.

Both rebuild an RFC 822 message from MAPI properties, so the mail pipeline reads them as
any other e-mail: headers that survive odd values, a plain body with its HTML alternative.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

__all__ = ["clean", "format_date", "message_bytes", "set_body", "set_header"]


def clean(text: str) -> str:
    """Lone surrogates and NULs from UTF-16 properties cannot be encoded; drop them."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def set_header(message: EmailMessage, name: str, value: str | None) -> None:
    value = " ".join(clean(value or "").split())
    if not value:
        return
    try:
        message[name] = value
    except (ValueError, TypeError, IndexError):
        # A value the header parser refuses (a broken address list, say) is dropped
        # rather than losing the whole message.
        return


def set_body(message: EmailMessage, plain: str, html: str) -> None:
    """The plain body with the HTML one as its alternative; the HTML alone; or an empty body."""
    plain, html = clean(plain), clean(html)
    if plain:
        message.set_content(plain)
        if html:
            message.add_alternative(html, subtype="html")
    elif html:
        message.set_content(html, subtype="html")
    else:
        message.set_content("")


def format_date(value: datetime | None) -> str | None:
    return format_datetime(value) if value is not None and value.tzinfo is not None else None


def message_bytes(message: EmailMessage) -> bytes:
    """The rebuilt message as RFC 822 bytes: the same bytes each time the same message is read.

    The e-mail generator draws a random MIME boundary for every multipart part, so a mailbox
    imported twice would give every message with a body alternative or an attachment new bytes,
    a new SHA-256 and a second copy in the archive and the index. The boundaries are derived
    from the message's own headers and content instead (a hash, so no part can contain them).
    """
    digest = hashlib.sha256()
    for part in message.walk():
        for name, value in part.items():
            digest.update(f"{name}: {value}\n".encode("utf-8", "surrogateescape"))
        if not part.is_multipart():
            payload = part.get_payload()
            digest.update(payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b"")
    stem = digest.hexdigest()[:32]
    multiparts = (part for part in message.walk() if part.get_content_maintype() == "multipart")
    for number, part in enumerate(multiparts):
        if part.get_boundary() is None:
            part.set_boundary(f"=_faldone_{stem}_{number}")
    return message.as_bytes()
