"""Outlook TNEF attachments (``winmail.dat``, ``application/ms-tnef``).

Outlook wraps rich-text mail in TNEF: the attachments are inside it, invisible to
other mail clients. The stream is a signature, a key, then attributes (level,
id, length, data, checksum). Each ``attAttachRendData`` opens an attachment;
``attAttachTitle`` names it, ``attAttachData`` holds its bytes, and the MAPI
properties of ``attAttachment`` may carry the long file name. Attachments become
children; the subject and a plain-text body, when present, become the page.
Written from the MS-OXTNEF specification (the Python readers are LGPL).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import ClassVar

from core.document import Page
from ingest.errors import CorruptDocument, EmptyDocument, LimitExceeded
from ingest.extractors.base import Child, Extraction, Extractor, Source
from ingest.mail import safe_filename

__all__ = ["TnefExtractor", "read_tnef"]

_SIGNATURE = 0x223E9F78
_ATT_SUBJECT = 0x00018004
_ATT_BODY = 0x0001800C
_ATT_MESSAGE_CLASS = 0x00078008
_ATT_ATTACH_REND_DATA = 0x00069002
_ATT_ATTACH_TITLE = 0x00018010
_ATT_ATTACH_DATA = 0x0006800F
_ATT_ATTACHMENT = 0x00069005  # MAPI properties of the attachment
_ATT_MSG_PROPS = 0x00069003  # MAPI properties of the message
_PR_ATTACH_LONG_FILENAME = 0x3707
_PR_SUBJECT, _PR_BODY, _PR_RTF_COMPRESSED = 0x0037, 0x1000, 0x1009
_PR_NORMALIZED_SUBJECT, _PR_CONVERSATION_TOPIC = 0x0E1D, 0x0070
_PT_STRING8, _PT_UNICODE = 0x001E, 0x001F


@dataclass
class TnefMessage:
    subject: str = ""
    body: str = ""
    message_class: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def read_tnef(data: bytes) -> TnefMessage:
    """Parse a TNEF stream; raises `CorruptDocument` when it is not one."""
    if len(data) < 6 or struct.unpack_from("<I", data)[0] != _SIGNATURE:
        raise CorruptDocument("not a TNEF stream: the signature is missing")
    message = TnefMessage()
    names: list[str] = []
    blobs: list[bytes] = []
    pointer = 6
    while pointer + 9 <= len(data):
        _level, attribute, size = struct.unpack_from("<BII", data, pointer)
        body = data[pointer + 9 : pointer + 9 + size]
        if len(body) != size:
            raise CorruptDocument(f"truncated TNEF attribute 0x{attribute:08x}")
        pointer += 9 + size + 2  # two checksum bytes
        if attribute == _ATT_ATTACH_REND_DATA:
            names.append("")
            blobs.append(b"")
        elif attribute == _ATT_ATTACH_TITLE and names:
            names[-1] = names[-1] or _string8(body)
        elif attribute == _ATT_ATTACH_DATA and blobs:
            blobs[-1] = body
        elif attribute == _ATT_ATTACHMENT and names:
            long_name = _mapi_string(_mapi_props(body), _PR_ATTACH_LONG_FILENAME)
            if long_name:
                names[-1] = long_name
        elif attribute == _ATT_MSG_PROPS:
            props = _mapi_props(body)
            for prop_id in (_PR_SUBJECT, _PR_NORMALIZED_SUBJECT, _PR_CONVERSATION_TOPIC):
                message.subject = message.subject or _mapi_string(props, prop_id)
            message.body = message.body or _mapi_string(props, _PR_BODY) or _rtf_body(props)
        elif attribute == _ATT_SUBJECT:
            message.subject = _string8(body)
        elif attribute == _ATT_BODY:
            message.body = _string8(body)
        elif attribute == _ATT_MESSAGE_CLASS:
            message.message_class = _string8(body)
    message.attachments = [(name, blob) for name, blob in zip(names, blobs, strict=True) if blob]
    return message


def _string8(data: bytes) -> str:
    return data.split(b"\x00", 1)[0].decode("cp1252", "replace").strip()


def _mapi_string(props: dict[int, tuple[int, bytes]], prop_id: int) -> str:
    if prop_id not in props:
        return ""
    prop_type, value = props[prop_id]
    codec = "utf-16-le" if prop_type & 0x0FFF == _PT_UNICODE else "cp1252"
    return value.decode(codec, "replace").rstrip("\x00").strip()


def _rtf_body(props: dict[int, tuple[int, bytes]]) -> str:
    if _PR_RTF_COMPRESSED not in props:
        return ""
    from striprtf.striprtf import rtf_to_text

    try:
        rtf = decompress_rtf(props[_PR_RTF_COMPRESSED][1]).decode("cp1252", "replace")
        return str(rtf_to_text(rtf, errors="replace")).strip()  # type: ignore[no-untyped-call]
    except Exception:  # a damaged RTF body: the attachments are still worth reading
        return ""


_RTF_PREBUF = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
    b"\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
    b"\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)


def decompress_rtf(data: bytes) -> bytes:
    """PR_RTF_COMPRESSED (MS-OXRTFCP): LZFu with a 4 KiB ring dictionary, or MELA (stored)."""
    if len(data) < 16:
        raise ValueError("compressed RTF shorter than its header")
    _size, raw_size, kind = struct.unpack_from("<III", data, 0)
    if kind == 0x414C454D:  # "MELA": not compressed
        return data[16 : 16 + raw_size]
    if kind != 0x75465A4C:  # "LZFu"
        raise ValueError("unknown compressed RTF type")
    ring = bytearray(4096)
    ring[: len(_RTF_PREBUF)] = _RTF_PREBUF
    write = len(_RTF_PREBUF)
    out = bytearray()
    pointer = 16
    while pointer < len(data):
        control = data[pointer]
        pointer += 1
        for bit in range(8):
            if pointer >= len(data):
                break
            if not control >> bit & 1:
                byte = data[pointer]
                pointer += 1
                out.append(byte)
                ring[write] = byte
                write = (write + 1) % 4096
                continue
            if pointer + 2 > len(data):
                break
            token = data[pointer] << 8 | data[pointer + 1]
            pointer += 2
            offset, length = token >> 4, (token & 0xF) + 2
            if offset == write:
                return bytes(out)
            for step in range(length):
                byte = ring[(offset + step) % 4096]
                out.append(byte)
                ring[write] = byte
                write = (write + 1) % 4096
    return bytes(out)


def _mapi_props(props: bytes) -> dict[int, tuple[int, bytes]]:
    """The variable-length values of a MAPI property list, by property id (walked defensively)."""
    found: dict[int, tuple[int, bytes]] = {}
    try:
        (count,) = struct.unpack_from("<I", props, 0)
        pointer = 4
        for _ in range(min(count, 1000)):
            prop_type, prop_id = struct.unpack_from("<HH", props, pointer)
            pointer += 4
            if prop_id >= 0x8000:  # a named property: GUID, kind, then an id or a name
                pointer += 16
                (kind,) = struct.unpack_from("<I", props, pointer)
                pointer += 4
                if kind == 0:
                    pointer += 4
                else:
                    (length,) = struct.unpack_from("<I", props, pointer)
                    pointer += 4 + _pad4(length)
            value, pointer = _value(props, pointer, prop_type)
            if value is not None:
                found.setdefault(prop_id, (prop_type, value))
    except struct.error:
        pass
    return found


_FIXED_SIZES = {0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4, 0x000B: 4,
                0x0014: 8, 0x0040: 8, 0x0048: 16}  # fmt: skip


def _value(props: bytes, pointer: int, prop_type: int) -> tuple[bytes | None, int]:
    multi = bool(prop_type & 0x1000)
    base = prop_type & 0x0FFF
    if base in _FIXED_SIZES and not multi:
        return None, pointer + _FIXED_SIZES[base]
    count = 1
    if multi or base in (_PT_STRING8, _PT_UNICODE, 0x0102, 0x000D):
        (count,) = struct.unpack_from("<I", props, pointer)
        pointer += 4
    if base in _FIXED_SIZES:
        return None, pointer + count * _FIXED_SIZES[base]
    value = None
    for _ in range(min(count, 1000)):
        (length,) = struct.unpack_from("<I", props, pointer)
        pointer += 4
        value = props[pointer : pointer + length]
        pointer += _pad4(length)
    return value, pointer


def _pad4(length: int) -> int:
    return (length + 3) // 4 * 4


class TnefExtractor(Extractor):
    """The attachments inside an Outlook ``winmail.dat`` become children."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.ms-tnef", "application/ms-tnef")
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".dat", ".tnef")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        message = read_tnef(source.read_bytes())
        if not message.attachments and not message.body and not message.subject:
            raise EmptyDocument("the TNEF stream holds no attachment, subject or text")
        limit = source.settings.max_children
        if len(message.attachments) > limit:
            raise LimitExceeded(f"more than {limit} attachments")
        result = Extraction(title=message.subject or source.filename)
        names = []
        for number, (name, blob) in enumerate(message.attachments, start=1):
            filename = safe_filename(name, None, number)
            names.append(filename)
            result.children.append(Child(filename, blob, f"attachment/{number}", None, {"tnef_name": name}))
        lines = [message.subject, message.body, *names]
        result.pages = [Page(1, "\n".join(line for line in lines if line))]
        if message.message_class:
            result.metadata["message_class"] = message.message_class
        return result
