"""Outlook ``.msg`` files (OLE compound documents holding MAPI properties).

The MAPI properties are read with python-oxmsg and rebuilt as an RFC 822 message,
which then goes through the same parsing as ``.eml`` (`ingest.mail`). That keeps
headers, body choice and attachments identical for both formats, and turns an
embedded Outlook message into a ``message/rfc822`` child with real RFC 822 bytes.
"""

from __future__ import annotations

import mimetypes
from email.message import EmailMessage
from email.parser import HeaderParser
from email.utils import formataddr
from typing import ClassVar

from olefile import OleFileIO, isOleFile
from oxmsg.attachment import Attachment
from oxmsg.properties import Properties
from oxmsg.recipient import Recipient
from oxmsg.storage import Storage

from ingest.errors import CorruptDocument
from ingest.extractors._outlook import format_date, message_bytes, set_body, set_header
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.mail import extraction_from_message, parse_bytes

__all__ = ["MsgExtractor", "msg_to_rfc822"]

# MAPI property ids (MS-OXPROPS).
_SUBJECT = 0x0037
_CLIENT_SUBMIT_TIME = 0x0039
_SENT_REPRESENTING_NAME = 0x0042
_SENT_REPRESENTING_EMAIL = 0x0065
_TRANSPORT_HEADERS = 0x007D
_MESSAGE_CLASS = 0x001A
_DELIVERY_TIME = 0x0E06
_RECIPIENT_TYPE = 0x0C15
_SENDER_NAME = 0x0C1A
_SENDER_EMAIL = 0x0C1F
_SENDER_SMTP = 0x5D01
_BODY = 0x1000
_HTML = 0x1013
_MESSAGE_ID = 0x1035
_REFERENCES = 0x1039
_IN_REPLY_TO = 0x1042
_ATTACH_METHOD = 0x3705
_ATTACH_CONTENT_ID = 0x3712
_ATTACH_FILENAME = 0x3704
_ATTACH_EMBEDDED = 5
# The properties stream header is 32 bytes at the top, 24 in an embedded message.
_TOP_OFFSET = 32
_EMBEDDED_OFFSET = 24
_RECIPIENT_HEADERS = {1: "To", 2: "Cc", 3: "Bcc"}
_COPIED_HEADERS = ("Date", "Message-ID", "In-Reply-To", "References", "Reply-To", "From", "To", "Cc")


class MsgExtractor(Extractor):
    """Outlook messages: headers, body and attachments, as for e-mail."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.ms-outlook",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".msg",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        data = source.read_bytes()
        rfc822, message_class = msg_to_rfc822(data)
        result = extraction_from_message(parse_bytes(rfc822), source.settings.max_children)
        result.metadata["message_class"] = message_class
        return result


def msg_to_rfc822(data: bytes) -> tuple[bytes, str]:
    """RFC 822 bytes rebuilt from an Outlook .msg, and its MAPI message class."""
    if not isOleFile(data=data):
        raise CorruptDocument("not an OLE compound file, so not an Outlook .msg")
    try:
        with OleFileIO(data) as ole:
            storage = Storage.from_ole(ole)
        message = _build(storage, _TOP_OFFSET)
        props = Properties(storage, properties_header_offset=_TOP_OFFSET)
        return message_bytes(message), props.str_prop_value(_MESSAGE_CLASS) or ""
    except CorruptDocument:
        raise
    except Exception as err:  # olefile/oxmsg raise assorted errors on damaged files
        raise CorruptDocument(f"unreadable Outlook message: {err}") from err


def _build(storage: Storage, offset: int) -> EmailMessage:
    props = Properties(storage, properties_header_offset=offset)
    message = EmailMessage()
    transport = HeaderParser().parsestr(props.str_prop_value(_TRANSPORT_HEADERS) or "")
    set_header(message, "Subject", props.str_prop_value(_SUBJECT))
    set_header(message, "From", _sender(props))
    recipients: dict[str, list[str]] = {}
    for recipient_storage in storage.iter_recipient_storages():
        recipient = Recipient(recipient_storage)
        kind = _RECIPIENT_HEADERS.get(recipient.properties.int_prop_value(_RECIPIENT_TYPE) or 1, "To")
        if recipient.email_address or recipient.name:
            recipients.setdefault(kind, []).append(formataddr((recipient.name, recipient.email_address)))
    for kind, values in recipients.items():
        set_header(message, kind, ", ".join(values))
    sent = props.date_prop_value(_CLIENT_SUBMIT_TIME) or props.date_prop_value(_DELIVERY_TIME)
    set_header(message, "Date", format_date(sent))
    set_header(message, "Message-ID", props.str_prop_value(_MESSAGE_ID))
    set_header(message, "In-Reply-To", props.str_prop_value(_IN_REPLY_TO))
    set_header(message, "References", props.str_prop_value(_REFERENCES))
    for name in _COPIED_HEADERS:  # transport headers fill what the properties lack
        if name not in message and transport.get(name):
            set_header(message, name, str(transport.get(name)))
    _set_body(message, props)
    for attachment_storage in storage.iter_attachment_storages():
        _attach(message, attachment_storage)
    return message


def _sender(props: Properties) -> str:
    name = props.str_prop_value(_SENDER_NAME) or props.str_prop_value(_SENT_REPRESENTING_NAME) or ""
    candidates = (
        props.str_prop_value(_SENDER_SMTP),
        props.str_prop_value(_SENDER_EMAIL),
        props.str_prop_value(_SENT_REPRESENTING_EMAIL),
    )
    # Exchange-internal senders carry an X.500 path instead of an address.
    address = next((c for c in candidates if c and "@" in c), "")
    return formataddr((name, address)) if address else name


def _set_body(message: EmailMessage, props: Properties) -> None:
    html_bytes = props.binary_prop_value(_HTML)
    html = html_bytes.decode(props.body_encoding, "replace") if html_bytes else ""
    set_body(message, props.str_prop_value(_BODY) or "", html or props.str_prop_value(_HTML) or "")


def _attach(message: EmailMessage, storage: Storage) -> None:
    attachment = Attachment(storage)
    props = attachment.properties
    filename = attachment.file_name or props.str_prop_value(_ATTACH_FILENAME) or ""
    cid = props.str_prop_value(_ATTACH_CONTENT_ID)
    if props.int_prop_value(_ATTACH_METHOD) == _ATTACH_EMBEDDED:
        inner = next((s for s in storage.storages if s.name.startswith("__substg1.0_3701")), None)
        if inner is not None:
            embedded = _build(inner, _EMBEDDED_OFFSET)
            name = filename or f"{embedded.get('Subject') or 'message'}.eml"
            message.add_attachment(embedded, filename=name)
        return
    data = attachment.file_bytes
    if not data:  # attached by reference or an OLE object: nothing we can hand on
        return
    mime = attachment.mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    maintype, _, subtype = mime.partition("/")
    message.add_attachment(
        data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename or None, cid=cid
    )
