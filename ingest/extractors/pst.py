"""Outlook data files (``.pst``): the mailbox becomes a container, its messages children.

The node database and the property/table layers are read by `_pst_ndb` and `_pst_ltp`
(written from Microsoft's [MS-PST] specification; the Python PST readers are LGPL).
Every message of every folder is rebuilt as an RFC 822 message, as for ``.msg``
files, and handed on as a ``message/rfc822`` child: it is then read like any e-mail
(headers, body, attachments as grandchildren; an embedded Outlook message becomes a
``message/rfc822`` attachment). The folder path is kept on each child
(``metadata["folder"]``). The mailbox itself is indexed with its folder list and a
listing of its messages (date, sender, subject).

Bounds: the file is mapped, not loaded; at most ``max_children`` messages and
``max_expanded_mb`` of rebuilt messages, else the mailbox is quarantined with the limit
(as for archives); one property larger than 64 MB is left out with a warning. A mailbox
protected by an Outlook password, or with Outlook's "high" (cyclic) encryption, is
quarantined as encrypted; a damaged one as corrupt, with what was wrong.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage
from email.parser import HeaderParser
from email.utils import format_datetime, formataddr
from typing import ClassVar

from core.document import Page
from ingest.errors import CorruptDocument, EmptyDocument, EncryptedDocument, LimitExceeded, UnsupportedFormat
from ingest.extractors._outlook import clean, message_bytes, set_body, set_header
from ingest.extractors._pst_ltp import PropertyBag, read_properties, read_table
from ingest.extractors._pst_ndb import Node, NodeDatabase, PstError, PstUnsupported
from ingest.extractors.base import Child, Extraction, Extractor, Source
from ingest.extractors.tnef import decompress_rtf
from ingest.mail import safe_filename

__all__ = ["PstExtractor", "read_mailbox"]

_NID_MESSAGE_STORE, _NID_ROOT_FOLDER = 0x21, 0x122
_NID_RECIPIENTS, _NID_ATTACHMENTS = 0x692, 0x671
_TYPE_FOLDER, _TYPE_MESSAGE = 0x02, 0x04
# MAPI property ids (MS-OXPROPS)
_DISPLAY_NAME, _PST_PASSWORD, _MESSAGE_CLASS = 0x3001, 0x67FF, 0x001A
_IPM_SUBTREE_ENTRY_ID = 0x35E0
_SUBJECT, _SUBMIT_TIME, _DELIVERY_TIME = 0x0037, 0x0039, 0x0E06
_SENDER_NAME, _SENDER_EMAIL, _SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
_SENT_AS_NAME, _SENT_AS_EMAIL, _SENT_AS_SMTP = 0x0042, 0x0065, 0x5D02
_TRANSPORT_HEADERS, _MESSAGE_ID, _IN_REPLY_TO, _REFERENCES = 0x007D, 0x1035, 0x1042, 0x1039
_BODY, _HTML, _RTF_COMPRESSED = 0x1000, 0x1013, 0x1009
_RECIPIENT_TYPE, _EMAIL_ADDRESS, _SMTP_ADDRESS = 0x0C15, 0x3003, 0x39FE
_ATTACH_DATA, _ATTACH_METHOD, _ATTACH_LONG_NAME, _ATTACH_NAME = 0x3701, 0x3705, 0x3707, 0x3704
_ATTACH_MIME, _ATTACH_CONTENT_ID = 0x370E, 0x3712
_ATTACH_EMBEDDED = 5
_ROW_ID = 0x67F2
_RECIPIENT_HEADERS = {1: "To", 2: "Cc", 3: "Bcc"}
_COPIED_HEADERS = ("Date", "Message-ID", "In-Reply-To", "References", "Reply-To", "From", "To", "Cc")
_MAX_EMBEDDED_DEPTH = 8


class PstExtractor(Extractor):
    """Outlook ``.pst`` mailboxes: folders listed, every message a child."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.ms-outlook-pst",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".pst", ".ost")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        if source.size == 0:
            raise EmptyDocument("the mailbox file is empty")
        with (
            open(source.path, "rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view,
        ):
            try:
                return self._read(NodeDatabase(view), source)
            except PstUnsupported as err:
                raise UnsupportedFormat(f"this Outlook data file is not read: {err}") from err
            except (PstError, struct.error, ValueError, IndexError, KeyError, OverflowError) as err:
                raise CorruptDocument(f"damaged Outlook data file: {err}") from err

    def _read(self, db: NodeDatabase, source: Source) -> Extraction:
        settings = source.settings
        result = Extraction(title=source.filename)
        mailbox = _Mailbox(db, result.warnings)
        mailbox.check_password()
        placed = mailbox.placed()
        if len(placed) > settings.max_children:  # said before reading any message
            raise LimitExceeded(
                f"the mailbox holds {len(placed)} messages; the limit is {settings.max_children}"
            )
        if not placed and not mailbox.folders:
            raise EmptyDocument("the mailbox holds no folders and no messages")
        budget, total = settings.max_expanded_mb * 1024 * 1024, 0
        lines: list[str] = []
        for number, (folder, message) in enumerate(mailbox.messages(placed), start=1):
            child = _child(folder, message, number)
            total += len(child.data)
            if total > budget:
                raise LimitExceeded(f"the mailbox's messages exceed {settings.max_expanded_mb} MB")
            result.children.append(child)
            shown = (
                folder,
                str(message.get("Date") or ""),
                str(message.get("From") or ""),
                child.metadata["subject"],
            )
            lines.append(" | ".join(part for part in shown if part))
        result.metadata["message_count"] = len(result.children)
        result.metadata["folders"] = sorted(set(mailbox.folders.values()))
        if mailbox.store_name:
            result.metadata["mailbox_name"] = mailbox.store_name
        result.pages = [Page(1, "\n".join([*result.metadata["folders"], "", *lines]).strip())]
        return result


def _child(folder: str, message: EmailMessage, number: int) -> Child:
    subject = str(message.get("Subject") or "")
    stem = subject[:80].replace("/", "-").replace("\\", "-") or f"message-{number}"
    metadata = {"folder": folder, "subject": subject}
    sender = str(message.get("From") or "")
    if sender and "@" not in sender:  # an Exchange sender without an SMTP address: its name
        metadata["sender_name"] = sender.strip('"')
    name = safe_filename(f"{stem}.eml", "message/rfc822", number)
    return Child(name, message_bytes(message), f"message/{number}", "message/rfc822", metadata)


class _Mailbox:
    """Folders by node id (their path) and the messages under them."""

    def __init__(self, db: NodeDatabase, warnings: list[str]) -> None:
        self.db = db
        self.warnings = warnings
        self.nodes: dict[int, Node] = {}
        messages: list[Node] = []
        for node in db.nodes():
            if node.kind == _TYPE_FOLDER or node.nid == _NID_MESSAGE_STORE:
                self.nodes[node.nid] = node
            elif node.kind == _TYPE_MESSAGE:
                messages.append(node)
        self.message_nodes = messages
        self.store_name = ""
        self.ipm_subtree = _NID_ROOT_FOLDER
        self.folders: dict[int, str] = {}
        self._names: dict[int, str] = {}

    def check_password(self) -> None:
        store = self.nodes.get(_NID_MESSAGE_STORE)
        if store is None:
            raise PstError("the message store is missing")
        props = read_properties(self.db, store, self.db.subnodes(store.sub_bid))
        self.store_name = props.text(_DISPLAY_NAME)
        entry = props.binary(_IPM_SUBTREE_ENTRY_ID)  # flags (4), provider uid (16), node id (4)
        subtree = int.from_bytes(entry[20:24], "little") if len(entry) >= 24 else 0
        self.ipm_subtree = subtree if subtree in self.nodes else _NID_ROOT_FOLDER
        if props.integer(_PST_PASSWORD):  # a CRC of the password: Outlook asks for it before opening
            raise EncryptedDocument(
                "the Outlook mailbox is protected by a password; remove it in Outlook "
                "(Account settings > Data files > Settings > Change password) or export the folders"
            )

    def _name(self, nid: int) -> str:
        if nid not in self._names:
            node = self.nodes[nid]
            self._names[nid] = read_properties(self.db, node, {}).text(_DISPLAY_NAME).strip() or f"{nid:#x}"
        return self._names[nid]

    def path(self, nid: int, top: int) -> str | None:
        """The folder's path from the `top` folder (included) down, or None when it is not below it."""
        parts: list[str] = []
        seen: set[int] = set()
        while True:
            if nid in seen or nid not in self.nodes or nid == _NID_ROOT_FOLDER != top:
                return None  # outside the subtree, an orphan (no parent folder) or a loop
            seen.add(nid)
            if nid != _NID_ROOT_FOLDER:
                parts.append(self._name(nid))
            if nid == top:
                return "/".join(reversed(parts))
            nid = self.nodes[nid].parent_nid

    def placed(self) -> list[tuple[str, Node]]:
        """(folder path, message node) of every message in a folder the user sees, in folder order.

        Only folders under the store's IPM subtree (what Outlook shows) are kept; system
        folders (search roots, views, free/busy data) are left out.
        """
        top = self.ipm_subtree
        for nid, node in sorted(self.nodes.items()):
            if node.kind == _TYPE_FOLDER and nid != _NID_ROOT_FOLDER:
                folder = self.path(nid, top)
                if folder is not None:
                    self.folders[nid] = folder
        placed = [(self.folders[m.parent_nid], m) for m in self.message_nodes if m.parent_nid in self.folders]
        return sorted(placed, key=lambda item: (item[0], item[1].nid))

    def messages(self, placed: list[tuple[str, Node]]) -> Iterator[tuple[str, EmailMessage]]:
        for folder, node in placed:
            try:
                yield folder, self.message(node, 0)
            except (PstError, struct.error, ValueError, IndexError) as err:  # one damaged message is skipped
                self.warnings.append(f"message {node.nid:#x} in {folder!r} is damaged and was skipped: {err}")

    def message(self, node: Node, depth: int) -> EmailMessage:
        subnodes = self.db.subnodes(node.sub_bid)
        props = read_properties(self.db, node, subnodes)
        message = EmailMessage()
        transport = HeaderParser().parsestr(props.text(_TRANSPORT_HEADERS))
        set_header(message, "Subject", _subject(props.text(_SUBJECT)))
        set_header(message, "From", _sender(props))
        recipients: dict[str, list[str]] = {}
        if _NID_RECIPIENTS in subnodes:
            for row in read_table(self.db, subnodes[_NID_RECIPIENTS], subnodes):
                kind = _RECIPIENT_HEADERS.get(row.integer(_RECIPIENT_TYPE) or 1, "To")
                address = next(
                    (a for a in (row.text(_SMTP_ADDRESS), row.text(_EMAIL_ADDRESS)) if "@" in a), ""
                )
                name = row.text(_DISPLAY_NAME)
                if address or name:
                    shown = name if name.strip("'\" ").lower() != address.lower() else ""
                    recipients.setdefault(kind, []).append(formataddr((shown, address)) if address else name)
        for kind, values in recipients.items():
            set_header(message, kind, ", ".join(values))
        sent = props.time(_SUBMIT_TIME) or props.time(_DELIVERY_TIME)
        set_header(message, "Date", format_datetime(sent) if isinstance(sent, datetime) else None)
        set_header(message, "Message-ID", props.text(_MESSAGE_ID))
        set_header(message, "In-Reply-To", props.text(_IN_REPLY_TO))
        set_header(message, "References", props.text(_REFERENCES))
        for name in _COPIED_HEADERS:  # transport headers fill what the properties lack
            if name not in message and transport.get(name):
                set_header(message, name, str(transport.get(name)))
        set_header(message, "X-Outlook-Message-Class", props.text(_MESSAGE_CLASS))
        _set_body(message, props)
        if _NID_ATTACHMENTS in subnodes:
            for row in read_table(self.db, subnodes[_NID_ATTACHMENTS], subnodes):
                attachment = subnodes.get(row.integer(_ROW_ID) or 0)
                if attachment is not None:
                    self._attach(message, attachment, depth)
        return message

    def _attach(self, message: EmailMessage, node: Node, depth: int) -> None:
        subnodes = self.db.subnodes(node.sub_bid)
        props = read_properties(self.db, node, subnodes)
        filename = props.text(_ATTACH_LONG_NAME) or props.text(_ATTACH_NAME) or props.text(_DISPLAY_NAME)
        if props.integer(_ATTACH_METHOD) == _ATTACH_EMBEDDED:
            raw = props.binary(_ATTACH_DATA)  # PT_OBJECT: the embedded message's subnode id, then a size
            inner = subnodes.get(int.from_bytes(raw[:4], "little")) if len(raw) >= 4 else None
            if inner is not None and depth < _MAX_EMBEDDED_DEPTH:
                embedded = self.message(inner, depth + 1)
                name = filename or f"{embedded.get('Subject') or 'message'}.eml"
                message.add_attachment(embedded, filename=name)
            return
        data = props.binary(_ATTACH_DATA)
        if not data:  # by reference, or an OLE object: nothing to hand on
            if filename:
                self.warnings.append(f"attachment {filename!r} holds no data; skipped")
            return
        mime = props.text(_ATTACH_MIME) or "application/octet-stream"
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=filename or None,
            cid=props.text(_ATTACH_CONTENT_ID) or None,
        )


def read_mailbox(db: NodeDatabase) -> list[tuple[str, EmailMessage]]:
    """Every (folder path, rebuilt message) of a mailbox; for tools and tests."""
    warnings: list[str] = []
    mailbox = _Mailbox(db, warnings)
    mailbox.check_password()
    return list(mailbox.messages(mailbox.placed()))


def _subject(value: str) -> str:
    # A subject may start with U+0001 and the length of its prefix ("Re: "), MS-OXCMSG 2.2.1.46
    return value[2:] if value.startswith("\x01") and len(value) >= 2 else value


def _sender(props: PropertyBag) -> str:
    name = props.text(_SENDER_NAME) or props.text(_SENT_AS_NAME)
    candidates = (
        props.text(_SENDER_SMTP),
        props.text(_SENDER_EMAIL),
        props.text(_SENT_AS_SMTP),
        props.text(_SENT_AS_EMAIL),
    )
    address = next((c for c in candidates if "@" in c), "")  # Exchange senders carry an X.500 path
    if address:
        return formataddr((name, address))
    # a name alone, quoted: unquoted, a mail parser would take its first word for the mailbox
    return '"' + name.replace('"', "'") + '"' if name else ""


def _set_body(message: EmailMessage, props: PropertyBag) -> None:
    plain, html = props.text(_BODY), props.text(_HTML)
    if not clean(plain) and not clean(html) and props.binary(_RTF_COMPRESSED):
        plain = _rtf_text(props.binary(_RTF_COMPRESSED))
    set_body(message, plain, html)


def _rtf_text(compressed: bytes) -> str:
    from striprtf.striprtf import rtf_to_text

    try:
        rtf = decompress_rtf(compressed).decode("cp1252", "replace")
        return clean(str(rtf_to_text(rtf, errors="replace")))  # type: ignore[no-untyped-call]
    except Exception:  # a damaged RTF body: the headers and attachments are still worth having
        return ""
