"""The HEIF container (ISO/IEC 23008-12 on the ISO base media file format), read for metadata.

Only the boxes that say what a photo is are read: ``ftyp`` (brands), ``meta`` with
``pitm`` (the primary item), ``iinf``/``infe`` (item types), ``iloc`` (where item
bytes are), ``iprp``/``ipco``/``ipma`` (the size of each item, ``ispe``). The Exif
and XMP items are returned as bytes; the pictures themselves are not decoded.
Every length read from the file is bounds-checked; damage raises `HeifError`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

__all__ = ["HeifError", "HeifInfo", "read_heif"]

_MAX_BOXES = 10_000


class HeifError(Exception):
    """Not a HEIF file, or a damaged one."""


@dataclass
class HeifInfo:
    major_brand: str
    brands: list[str]
    primary_type: str = ""  # "hvc1" (HEVC), "av01" (AV1), "grid" (tiles), "jpeg"...
    tile_types: list[str] = field(default_factory=list)  # item types of a grid's tiles
    width: int = 0
    height: int = 0
    exif: bytes = b""  # the TIFF-structured Exif payload (from its "II"/"MM" header)
    xmp: bytes = b""


def _boxes(data: bytes, start: int, end: int) -> list[tuple[str, int, int]]:
    """(type, payload start, payload end) of the boxes between `start` and `end`."""
    found: list[tuple[str, int, int]] = []
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1:
            if at + 16 > end:
                raise HeifError("a box with a truncated 64-bit size")
            (size,) = struct.unpack_from(">Q", data, at + 8)
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise HeifError(f"the box {kind.decode('latin-1')!r} runs past its container")
        found.append((kind.decode("latin-1"), at + header, at + size))
        at += size
        if len(found) > _MAX_BOXES:
            raise HeifError("too many boxes")
    return found


def read_heif(data: bytes) -> HeifInfo:
    """Brands, primary item type and size, and the Exif/XMP bytes of a HEIF file."""
    top = _boxes(data, 0, len(data))
    if not top or top[0][0] != "ftyp" or top[0][2] - top[0][1] < 8:
        raise HeifError("the ftyp box is missing")
    _kind, fstart, fend = top[0]
    major = data[fstart : fstart + 4].decode("latin-1")
    brands = [data[at : at + 4].decode("latin-1") for at in range(fstart + 8, fend - 3, 4)]
    info = HeifInfo(major, brands)
    meta = next(((s, e) for k, s, e in top if k == "meta"), None)
    if meta is None:
        return info  # an image sequence (moov) without a still image item
    children = {k: (s, e) for k, s, e in _boxes(data, meta[0] + 4, meta[1])}  # meta is a FullBox
    types = _item_types(data, children.get("iinf"))
    primary = _primary(data, children.get("pitm"))
    info.primary_type = types.get(primary, ("", ""))[0]
    if info.primary_type == "grid":
        tiles = _references(data, children.get("iref"), "dimg").get(primary, [])
        info.tile_types = sorted({types.get(tile, ("", ""))[0] for tile in tiles} - {""})
    info.width, info.height = _sizes(data, children.get("iprp")).get(primary, (0, 0))
    locations = _locations(data, children.get("iloc"), children.get("idat"))
    for item, (kind, content_type) in types.items():
        if kind == "Exif" and item in locations and not info.exif:
            raw = locations[item]
            if len(raw) >= 4:
                (skip,) = struct.unpack_from(">I", raw)
                info.exif = raw[4 + skip :]
        elif kind == "mime" and "rdf+xml" in content_type and item in locations and not info.xmp:
            info.xmp = locations[item]
    return info


def _full_box(data: bytes, box: tuple[int, int]) -> tuple[int, int, int]:
    """(version, flags, payload start) of a FullBox."""
    start, end = box
    if start + 4 > end:
        raise HeifError("a truncated full box")
    (word,) = struct.unpack_from(">I", data, start)
    return word >> 24, word & 0xFFFFFF, start + 4


def _primary(data: bytes, box: tuple[int, int] | None) -> int:
    if box is None:
        return 0
    version, _flags, at = _full_box(data, box)
    return int(struct.unpack_from(">H" if version == 0 else ">I", data, at)[0])


def _cstring(data: bytes, at: int, end: int) -> tuple[str, int]:
    stop = data.find(b"\x00", at, end)
    stop = end if stop < 0 else stop
    return data[at:stop].decode("utf-8", "replace"), stop + 1


def _item_types(data: bytes, box: tuple[int, int] | None) -> dict[int, tuple[str, str]]:
    """Item id -> (item type, MIME content type for "mime" items)."""
    if box is None:
        return {}
    version, _flags, at = _full_box(data, box)
    at += 2 if version == 0 else 4
    types: dict[int, tuple[str, str]] = {}
    for kind, start, end in _boxes(data, at, box[1]):
        if kind != "infe":
            continue
        entry_version, _flags, pos = _full_box(data, (start, end))
        if entry_version < 2:
            continue  # version 0/1 entries (no item type) predate HEIF
        item = struct.unpack_from(">H" if entry_version == 2 else ">I", data, pos)[0]
        pos += (2 if entry_version == 2 else 4) + 2  # and the protection index
        item_type = data[pos : pos + 4].decode("latin-1")
        _name, pos = _cstring(data, pos + 4, end)
        content_type = _cstring(data, pos, end)[0] if item_type == "mime" else ""
        types[int(item)] = (item_type, content_type)
    return types


def _references(data: bytes, box: tuple[int, int] | None, wanted: str) -> dict[int, list[int]]:
    if box is None:
        return {}
    version, _flags, at = _full_box(data, box)
    width = ">H" if version == 0 else ">I"
    step = 2 if version == 0 else 4
    found: dict[int, list[int]] = {}
    for kind, start, end in _boxes(data, at, box[1]):
        if kind != wanted or start + step + 2 > end:
            continue
        source = struct.unpack_from(width, data, start)[0]
        (count,) = struct.unpack_from(">H", data, start + step)
        pos = start + step + 2
        if pos + count * step > end:
            raise HeifError("an item reference list runs past its box")
        found[int(source)] = [int(struct.unpack_from(width, data, pos + i * step)[0]) for i in range(count)]
    return found


def _sizes(data: bytes, box: tuple[int, int] | None) -> dict[int, tuple[int, int]]:
    """Item id -> (width, height) from the ``ispe`` property associated with it."""
    if box is None:
        return {}
    children = {k: (s, e) for k, s, e in _boxes(data, box[0], box[1])}
    if "ipco" not in children or "ipma" not in children:
        return {}
    properties = _boxes(data, *children["ipco"])
    version, flags, at = _full_box(data, children["ipma"])
    end = children["ipma"][1]
    (count,) = struct.unpack_from(">I", data, at)
    at += 4
    sizes: dict[int, tuple[int, int]] = {}
    id_size = 2 if version < 1 else 4
    for _ in range(count):
        if at + id_size + 1 > end:
            raise HeifError("the property associations run past their box")
        item = struct.unpack_from(">H" if version < 1 else ">I", data, at)[0]
        links = data[at + id_size]
        at += id_size + 1
        if at + links * (2 if flags & 1 else 1) > end:
            raise HeifError("the property associations run past their box")
        for _link in range(links):
            if flags & 1:
                index = struct.unpack_from(">H", data, at)[0] & 0x7FFF
                at += 2
            else:
                index = data[at] & 0x7F
                at += 1
            if 0 < index <= len(properties) and properties[index - 1][0] == "ispe":
                _kind, start, stop = properties[index - 1]
                if start + 12 <= stop:
                    sizes[int(item)] = struct.unpack_from(">II", data, start + 4)
    return sizes


def _number(data: bytes, at: int, size: int) -> int:
    return int.from_bytes(data[at : at + size], "big") if size else 0


def _locations(data: bytes, box: tuple[int, int] | None, idat: tuple[int, int] | None) -> dict[int, bytes]:
    """Item id -> its bytes (all extents joined), for items stored in the file or in ``idat``."""
    if box is None:
        return {}
    version, _flags, at = _full_box(data, box)
    end = box[1]
    offset_size, length_size = data[at] >> 4, data[at] & 0x0F
    base_size, index_size = data[at + 1] >> 4, (data[at + 1] & 0x0F if version in (1, 2) else 0)
    at += 2
    count = struct.unpack_from(">H" if version < 2 else ">I", data, at)[0]
    at += 2 if version < 2 else 4
    found: dict[int, bytes] = {}
    for _ in range(count):
        if at + 4 > end:
            raise HeifError("the item locations run past their box")
        item = struct.unpack_from(">H" if version < 2 else ">I", data, at)[0]
        at += 2 if version < 2 else 4
        method = 0
        if version in (1, 2):
            method = struct.unpack_from(">H", data, at)[0] & 0x0F
            at += 2
        at += 2  # data reference index
        base = _number(data, at, base_size)
        at += base_size
        (extents,) = struct.unpack_from(">H", data, at)
        at += 2
        parts: list[bytes] = []
        for _extent in range(extents):
            at += index_size
            offset, length = _number(data, at, offset_size), _number(data, at + offset_size, length_size)
            at += offset_size + length_size
            origin = idat[0] if method == 1 and idat else 0
            start = origin + base + offset
            stop = start + length if length else len(data)
            if stop > len(data) or method not in (0, 1):
                raise HeifError(f"item {item} lies outside the file")
            parts.append(data[start:stop])
        found[int(item)] = b"".join(parts)
    return found
