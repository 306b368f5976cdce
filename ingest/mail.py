"""Shared e-mail parsing: RFC 822 bytes (or a parsed message) in, `Extraction` out.

Used by the eml, emlx, mbox and msg extractors. Real mail is often malformed, so
every header is read defensively: a header that the stdlib cannot parse falls back
to its raw value, and unknown or wrong charsets fall back to charset detection and
finally latin-1. Problems become `Extraction.warnings`, never crashes.

Addresses in `EmailHeaders` are bare and lowercased (a mailbox without a domain,
such as ``MAILER-DAEMON``, or the null sender ``<>``, is kept as written); display names are kept in
``metadata["address_names"]`` (address -> name). Message ids keep their ``<...>``. A message its
sender marked as automatic (RFC 3834 ``Auto-Submitted`` other than ``no``, or ``Precedence:
auto_reply``, ``X-Autoreply``) has ``metadata["auto_submitted"]`` (the header's keyword, e.g.
``auto-replied``); `nlp.machine_made` reads no complaint into automatic replies.
"""

from __future__ import annotations

import mimetypes
import re
import warnings
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from charset_normalizer import from_bytes

from core.document import EmailHeaders, Page
from ingest.codepages import register as _register_codepages
from ingest.errors import CorruptDocument, EmptyDocument, LimitExceeded
from ingest.extractors.base import Child, Extraction
from ingest.mail_reports import REPORT_TYPES, merge_into, report_fields

__all__ = [
    "decode_bytes",
    "extraction_from_message",
    "html_to_text",
    "parse_bytes",
    "parse_date",
    "safe_filename",
]

_register_codepages()  # "windows-950" and friends, as Outlook and mail headers name them

_MAX_WARNINGS = 50
_ID_RE = re.compile(r"<[^<>\s]+>")
_OBS_NAME_RE = re.compile(rb"^([!-9;-~]+)[ \t]+:", re.MULTILINE)
# a mailbox without a domain, as system mail writes it: MAILER-DAEMON, postmaster, root
_LOCAL_NAME_RE = re.compile(r"[\w.+'=-]+")
_ADDR_RE = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")
_ENCODED_NAME_RE = re.compile(r"""name\s*=\s*"?(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)""", re.IGNORECASE)
_FILENAME_RE = re.compile(r"""filename\s*=\s*([^";\s][^;]*)""", re.IGNORECASE)
# Parts that are documents of their own even when shown inline.
_BLOCK_TAGS = ["p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"]
_CHILD_TYPES = frozenset({"text/calendar", "text/vcard", "text/x-vcard", "text/directory"})


class _ParsedOnce:
    """`policy.default`'s header factory for one message, remembering what it parsed.

    The standard library parses a header again on every read: Content-Type about a dozen
    times per message (the parser itself, then every look at the type, charset or file name).
    A header object is never changed once made, so the first one serves every later read.
    """

    def __init__(self) -> None:
        self._factory = policy.default.header_factory
        self._parsed: dict[tuple[str, str], Any] = {}

    def __call__(self, name: str, value: str) -> Any:
        header = self._parsed.get((name, value))
        if header is None:
            header = self._parsed[(name, value)] = self._factory(name, value)
        return header


def parse_bytes(data: bytes) -> EmailMessage:
    """Parse RFC 822 bytes; raise `EmptyDocument`/`CorruptDocument` if they are not mail."""
    data = data.rstrip(b"\x00")  # NUL padding after the message (seen in real exports)
    if not data.strip():
        raise EmptyDocument("the message is empty")
    try:
        msg = BytesParser(policy=policy.default.clone(header_factory=_ParsedOnce())).parsebytes(data)
    except Exception as err:  # the parser is lenient; anything raised here is a real break
        raise CorruptDocument(f"not a parsable e-mail message: {err}") from err
    if not isinstance(msg, EmailMessage) or not list(msg.raw_items()):
        # Obsolete RFC 822 syntax allows blanks before the colon ("From  : ...").
        head, sep, rest = data.partition(b"\n\n") if b"\r\n\r\n" not in data else data.partition(b"\r\n\r\n")
        fixed = _OBS_NAME_RE.sub(rb"\1:", head) + sep + rest
        if fixed != data:
            return parse_bytes(fixed)
        raise CorruptDocument("no e-mail headers found")
    return msg


def extraction_from_message(msg: Message, max_children: int) -> Extraction:
    """Turn a parsed message into text, headers, date and attachment children."""
    result = Extraction()
    warn = result.warnings.append
    names: dict[str, str] = {}
    charset = msg.get_content_charset()  # once: every call parses the Content-Type header again
    headers = EmailHeaders(
        sender=next(iter(_addresses(msg, "from", names, charset)), ""),
        to=_addresses(msg, "to", names, charset),
        cc=_addresses(msg, "cc", names, charset),
        bcc=_addresses(msg, "bcc", names, charset),
        reply_to=_addresses(msg, "reply-to", names, charset),
        subject=header_text(msg, "subject"),
        message_id=_first_id(header_text(msg, "message-id")),
        in_reply_to=_first_id(header_text(msg, "in-reply-to")),
        references=_ID_RE.findall(header_text(msg, "references")),
    )
    result.email = headers
    result.title = headers.subject
    result.metadata["address_names"] = names
    if headers.sender in names:
        result.metadata["sender_name"] = names[headers.sender]
    automatic = _auto_submitted(msg)
    if automatic:
        result.metadata["auto_submitted"] = automatic
    raw_date = header_text(msg, "date")
    if raw_date:
        result.date = parse_date(raw_date)
        if result.date is None:
            warn(f"unparsable Date header: {raw_date[:80]!r}")
    walker = _Walker(result, max_children)
    try:
        walker.walk(msg)
    except RecursionError as err:
        raise CorruptDocument("MIME parts nested too deeply") from err
    # Within an alternative only one branch is body, so no text appears twice.
    body = "\n\n".join(html_to_text(text) if html else text for html, text in walker.body)
    result.pages = [Page(1, body.strip())]
    for part in msg.walk():
        for defect in getattr(part, "defects", []):
            warn(f"{type(defect).__name__}: {defect}")
    del result.warnings[_MAX_WARNINGS:]
    return result


_AUTOMATIC_HEADERS = frozenset({"auto-submitted", "precedence", "x-autoreply"})


def _auto_submitted(msg: Message) -> str:
    """How the sender marked the message as automatic ("auto-replied"...), or ""."""
    present = {name.lower() for name in msg} & _AUTOMATIC_HEADERS
    if not present:
        return ""
    value = header_text(msg, "auto-submitted").split("(")[0].split(";")[0].strip().lower()
    if value and value != "no":
        return value
    if header_text(msg, "precedence").strip().lower() == "auto_reply" or header_text(msg, "x-autoreply"):
        return "auto-replied"
    return ""


class _Walker:
    """Collects body text and attachments in document order."""

    def __init__(self, result: Extraction, max_children: int) -> None:
        self.result = result
        self.max_children = max_children
        self.body: list[tuple[bool, str]] = []  # (is HTML, text) in document order

    def walk(self, part: Message, body: bool = True) -> None:
        ctype = part.get_content_type()
        if ctype == "message/rfc822" or ctype == "message/global":
            self._attach(part, _message_bytes(part))
        elif ctype in REPORT_TYPES:
            lines, values = report_fields(part)
            self.body.append((False, "\n".join(lines).strip()))  # shown whichever branch: it is data
            merge_into(self.result.metadata, values)
        elif ctype.startswith("multipart/") and not part.is_multipart():
            # A multipart without a usable boundary: its payload is all we can read.
            self.result.warnings.append(f"{ctype} part without parts; read as text")
            if body:
                self.body.append((False, self._text(part)))
        elif part.is_multipart():
            subparts = [p for p in part.get_payload() if isinstance(p, Message)]
            chosen = _choose_alternative(subparts) if ctype == "multipart/alternative" else None
            for sub in subparts:
                # The alternatives we do not show may still carry inline images.
                self.walk(sub, body and (chosen is None or sub is chosen))
        elif _is_attachment(part, ctype):
            self._attach(part, _payload(part))
        elif ctype.startswith("text/"):
            if body:
                self.body.append((ctype == "text/html", self._text(part)))
        else:
            self._attach(part, _payload(part))

    def _text(self, part: Message) -> str:
        text, fallback = decode_bytes(_payload(part), part.get_content_charset())
        if fallback:
            self.result.warnings.append(f"charset {part.get_content_charset()!r} failed; read as {fallback}")
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _attach(self, part: Message, data: bytes) -> None:
        children = self.result.children
        number = len(children) + 1
        if not data:
            self.result.warnings.append(f"attachment {number} is empty; skipped")
            return
        if number > self.max_children:
            raise LimitExceeded(f"more than {self.max_children} attachments")
        ctype = part.get_content_type()
        metadata: dict[str, str] = {"content_type": ctype}
        for key, header in (("content_id", "content-id"), ("disposition", "content-disposition")):
            value = header_text(part, header)
            if value:
                metadata[key] = value.split(";")[0].strip() if key == "disposition" else value.strip()
        name = _part_filename(part)
        if not name and "content_id" in metadata:
            name = metadata["content_id"].strip("<>")
        filename = safe_filename(name, ctype, number)
        children.append(Child(filename, data, f"attachment/{number}", ctype, metadata))


def _choose_alternative(parts: list[Message]) -> Message | None:
    """Plain text first; otherwise the last (richest) alternative."""
    for sub in parts:
        if sub.get_content_type() == "text/plain" and not _is_attachment(sub, "text/plain"):
            return sub
    return parts[-1] if parts else None


def _is_attachment(part: Message, ctype: str) -> bool:
    disposition = header_text(part, "content-disposition").split(";")[0].strip().lower()
    if ctype in _CHILD_TYPES or disposition == "attachment":
        return True
    return bool(ctype.startswith("text/") and _part_filename(part) and disposition != "inline")


def _part_filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name", header="content-type")
    except Exception:  # malformed RFC 2231 parameters
        return ""
    if isinstance(name, tuple):
        name = name[2]
    charset = part.get_content_charset()
    if not name:  # `filename==?utf-8?B?…?=`: an encoded word the parameter parser does not take
        raw = " ".join(
            _raw_header(part, "content-disposition", charset) + _raw_header(part, "content-type", charset)
        )
        encoded = _ENCODED_NAME_RE.search(raw)
        name = encoded.group(1) if encoded else ""
    # An unquoted name with blanks ("filename=This is a test.txt") is cut at the first blank.
    match = _FILENAME_RE.search(" ".join(_raw_header(part, "content-disposition", charset)))
    if match and name and match.group(1).strip().startswith(f"{name} "):
        name = match.group(1).strip()
    return _decode_words(str(name)) if name else ""


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # bad base64/uuencode: keep what the part literally holds
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        inner = payload[0]
        for pol in (policy.default, policy.compat32):
            try:
                return inner.as_bytes(policy=pol)
            except Exception:  # re-serialising a malformed message; try the lenient policy
                continue
        return inner.as_string(policy=policy.compat32).encode("utf-8", "surrogateescape")
    return _payload(part)


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode text; returns (text, fallback charset used or None)."""
    if charset:
        try:
            return data.decode(charset), None
        except (LookupError, UnicodeDecodeError):
            pass
    else:
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("latin-1"), "latin-1"


def html_to_text(html: str) -> str:
    """Visible text of an HTML body: one line per block element, inline markup joined."""
    with warnings.catch_warnings():
        # A short body that looks like a URL or file name is still a body.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head", "title"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" ")
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def header_text(msg: Message, name: str) -> str:
    """A header's decoded, unfolded value ('' when absent), never raising."""
    raw = next((str(v) for k, v in msg.raw_items() if k.lower() == name), None)
    if raw is None:
        return ""
    if not _has_surrogates(raw):
        try:
            value = msg.get(name)
            if value is not None:
                return _unfold(str(value))
        except Exception:  # the structured header parser chokes on malformed values
            pass
    return _unfold(_decode_words(_fix_surrogates(raw, msg.get_content_charset())))


def _raw_header(msg: Message, name: str, charset: str | None) -> list[str]:
    """The raw values of header `name`, unfolded; 8-bit bytes decoded (`charset`: the part's own)."""
    return [
        _unfold(_fix_surrogates(str(raw), charset)) for key, raw in msg.raw_items() if key.lower() == name
    ]


def _addresses(msg: Message, name: str, names: dict[str, str], charset: str | None) -> list[str]:
    # Parse the raw value: encoded words may hide commas that would split one address.
    found: list[str] = []
    raw = _raw_header(msg, name, charset)
    pairs = getaddresses(raw)
    if any(not addr.partition("@")[0] for _, addr in pairs):
        # e.g. two bare addresses without a comma: take whatever looks like an address
        pairs = [("", addr) for addr in _ADDR_RE.findall(" ".join(raw))]
    if not pairs and any(value.strip() == "<>" for value in raw):
        return ["<>"]  # the null sender of bounces (RFC 5321), kept as written
    for display, addr in pairs:
        addr = addr.strip().strip("<>")
        if "@" in addr:
            addr = addr.lower()
        elif not _LOCAL_NAME_RE.fullmatch(addr):
            continue  # a group name, or nothing: not an address
        if addr in found:
            continue
        found.append(addr)
        display = _decode_words(display).strip().strip('"').strip()
        if display and display.lower() != addr:
            names.setdefault(addr, display)
    return found


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words with the charset fallback."""
    try:
        parts = decode_header(value)
    except Exception:  # malformed encoded words: show them as they are
        return _fix_surrogates(value)
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset)[0])
        else:
            out.append(_fix_surrogates(chunk))
    return "".join(out)


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _fix_surrogates(value: str, charset: str | None = None) -> str:
    """Raw 8-bit header bytes arrive as surrogate escapes; decode them properly.

    Headers are too short for charset detection: try UTF-8, then the body's
    charset (8-bit headers are usually written in it), then cp1252.
    """
    if not _has_surrogates(value):
        return value
    data = value.encode("ascii", "surrogateescape")
    for candidate in ("utf-8", charset, "cp1252"):
        if candidate:
            try:
                return data.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("latin-1")


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", value).strip()


def _first_id(value: str) -> str:
    match = _ID_RE.search(value)
    return match.group(0) if match else value.strip()


def parse_date(value: str) -> datetime | None:
    """An aware datetime from a Date header; naive values are taken as UTC; None if unparsable."""
    try:
        parsed = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def safe_filename(name: str, mime_type: str | None, number: int) -> str:
    """Last path component only, without control characters; invented if nothing is left."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if not name:
        ext = mimetypes.guess_extension(mime_type or "") or ""
        name = f"attachment-{number}{ext}"
    return name[:255]
