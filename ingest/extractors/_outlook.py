"""What the Outlook readers (`.msg` and `.pst`) share: MAPI properties into an e-mail message.

Both rebuild an RFC 822 message from MAPI properties, so the mail pipeline reads them as
any other e-mail: headers that survive odd values, a plain body with its HTML alternative.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

__all__ = ["clean", "format_date", "set_body", "set_header"]


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
