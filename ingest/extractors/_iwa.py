"""The text inside Apple iWork 2013+ ``.iwa`` streams (Keynote, Pages, Numbers).

An ``.iwa`` file is a run of chunks (a zero byte, a 3-byte little-endian length,
raw Snappy data without checksums); the decompressed bytes are protobuf messages.
No schema ships with the files, so the text is found structurally: every
length-delimited field is tried as a nested message first and, when that fails, as
UTF-8 text. What people typed is kept; identifiers, style and font names are not
(see `_is_prose`). This is a best effort, and the document's metadata says so.
"""

from __future__ import annotations

__all__ = ["iwa_strings", "snappy_decompress"]

_MAX_DEPTH = 40


def iwa_strings(data: bytes) -> list[str]:
    """The prose strings of one ``.iwa`` stream, in stream order, without repeats."""
    out: list[str] = []
    seen: set[str] = set()
    for chunk in _chunks(data):
        for message in _messages(chunk):
            try:
                texts = _strings(message, 0)
            except ValueError:
                continue
            for text in texts:
                if text not in seen and _is_prose(text):
                    seen.add(text)
                    out.append(text)
    return out


def _messages(chunk: bytes) -> list[bytes]:
    """The payload messages of a chunk: each ArchiveInfo (length-prefixed) gives their sizes."""
    found: list[bytes] = []
    pos = 0
    try:
        while pos < len(chunk):
            size, pos = _varint(chunk, pos)
            info = chunk[pos : pos + size]
            pos += size
            for length in _message_lengths(info):
                found.append(chunk[pos : pos + length])
                pos += length
    except ValueError:
        pass  # a damaged tail: keep what was read
    return found


def _message_lengths(info: bytes) -> list[int]:
    """ArchiveInfo field 2 holds MessageInfo records; their field 3 is the payload length."""
    lengths = []
    for number, value in _fields(info):
        if number == 2 and isinstance(value, bytes):
            lengths += [v for n, v in _fields(value) if n == 3 and isinstance(v, int)]
    return lengths


def _fields(data: bytes) -> list[tuple[int, int | bytes]]:
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        wire = key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            out.append((key >> 3, value))
        elif wire == 2:
            size, pos = _varint(data, pos)
            out.append((key >> 3, data[pos : pos + size]))
            pos += size
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise ValueError("unknown wire type")
    return out


def _chunks(data: bytes) -> list[bytes]:
    chunks = []
    offset = 0
    while offset + 4 <= len(data):
        kind, size = data[offset], int.from_bytes(data[offset + 1 : offset + 4], "little")
        body = data[offset + 4 : offset + 4 + size]
        offset += 4 + size
        if kind != 0:
            break
        chunks.append(snappy_decompress(body))
    return chunks


def snappy_decompress(data: bytes) -> bytes:
    """Raw Snappy (the block format, no framing); raises ValueError on damage."""
    length, pos = _varint(data, 0)
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:  # literal
            size = tag >> 2
            if size >= 60:
                extra = size - 59
                size = int.from_bytes(data[pos : pos + extra], "little")
                pos += extra
            size += 1
            out += data[pos : pos + size]
            pos += size
            continue
        if kind == 1:
            size = ((tag >> 2) & 7) + 4
            back = ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            size = (tag >> 2) + 1
            back = int.from_bytes(data[pos : pos + 2], "little")
            pos += 2
        else:
            size = (tag >> 2) + 1
            back = int.from_bytes(data[pos : pos + 4], "little")
            pos += 4
        if back == 0 or back > len(out):
            raise ValueError("snappy: bad back reference")
        for _ in range(size):  # byte by byte: a copy may overlap what it writes
            out.append(out[-back])
    if len(out) != length:
        raise ValueError("snappy: wrong decompressed length")
    return bytes(out)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _strings(data: bytes, depth: int) -> list[str]:
    """Strings of a buffer read as protobuf; raises ValueError when it is not one."""
    found: list[str] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        wire = key & 7
        if key >> 3 == 0:
            raise ValueError("field number 0")
        if wire == 0:
            _, pos = _varint(data, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            size, pos = _varint(data, pos)
            field = data[pos : pos + size]
            if len(field) != size:
                raise ValueError("truncated field")
            pos += size
            found += _field_strings(field, depth)
        else:
            raise ValueError("unknown wire type")
        if pos > len(data):
            raise ValueError("truncated")
    return found


def _field_strings(field: bytes, depth: int) -> list[str]:
    if depth < _MAX_DEPTH and field:
        try:
            return _strings(field, depth + 1)
        except ValueError:
            pass
    try:
        return [field.decode("utf-8")]
    except UnicodeDecodeError:
        return []


def _is_prose(text: str) -> bool:
    """Typed text has letters and a space or a non-ASCII letter; identifiers do not."""
    stripped = text.strip()
    letters = sum(ch.isalpha() for ch in stripped)
    if letters < 2 or letters < len(stripped) / 2:
        return False
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in stripped):
        return False
    return " " in stripped or "\n" in stripped or not stripped.isascii()
