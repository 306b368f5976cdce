"""The lists, tables and properties layer of ``.pst`` files (MS-PST section 2.3).

A node's data is a heap (HN); a property context (PC) is a B-tree on that heap that
maps property ids to values; a table context (TC) is a row matrix with column
descriptions (folders' contents, a message's recipients and attachments). Values
larger than a heap item live in a subnode of the node. Written from [MS-PST].
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ingest.extractors._pst_ndb import Node, NodeDatabase, PstError

__all__ = ["PropertyBag", "read_properties", "read_table"]

_HN_SIGNATURE = 0xEC
_PC_SIGNATURE, _TC_SIGNATURE, _BTH_SIGNATURE = 0xBC, 0x7C, 0xB5
PT_SHORT, PT_LONG, PT_BOOLEAN, PT_SYSTIME = 0x0002, 0x0003, 0x000B, 0x0040
PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
_INLINE_IN_PC = {0x0002: 2, 0x0003: 4, 0x0004: 4, 0x000A: 4, 0x000B: 1}  # fixed values kept in the HNID
_FIXED = {**_INLINE_IN_PC, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x0014: 8, 0x0040: 8, 0x0048: 16}
_MAX_VALUE = 64 * 1024 * 1024  # one property (an attachment's bytes); larger means damage or a limit
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


class _Heap:
    """The heap-on-node of one node: items addressed by HID (block index, item index)."""

    def __init__(self, blocks: list[bytes], expected: int) -> None:
        if not blocks or len(blocks[0]) < 12 or blocks[0][2] != _HN_SIGNATURE:
            raise PstError("a node without a valid heap header")
        if blocks[0][3] != expected:
            raise PstError(f"a heap of client type 0x{blocks[0][3]:02x}, 0x{expected:02x} expected")
        self.blocks = blocks
        (self.root,) = struct.unpack_from("<I", blocks[0], 4)

    def item(self, hid: int) -> bytes:
        if hid == 0:
            return b""
        if hid & 0x1F:
            raise PstError(f"{hid:#x} is not a heap id")
        index, block_index = (hid >> 5) & 0x7FF, hid >> 16
        if block_index >= len(self.blocks) or index == 0:
            raise PstError(f"heap id {hid:#x} points outside its node")
        block = self.blocks[block_index]
        (map_at,) = struct.unpack_from("<H", block, 0)
        if map_at + 4 > len(block):
            raise PstError("a heap page map outside its block")
        (count,) = struct.unpack_from("<H", block, map_at)
        if index > count:
            raise PstError(f"heap id {hid:#x} beyond the page map")
        start, end = struct.unpack_from("<HH", block, map_at + 4 + 2 * (index - 1))
        if not start <= end <= len(block):
            raise PstError("a heap item with impossible bounds")
        return block[start:end]

    def bth_records(self, hid: int) -> list[tuple[bytes, bytes]]:
        """The (key, data) leaf records of a B-tree-on-heap."""
        header = self.item(hid)
        if len(header) < 8 or header[0] != _BTH_SIGNATURE:
            raise PstError("a B-tree-on-heap without its header")
        key_size, data_size, levels = header[1], header[2], header[3]
        (root,) = struct.unpack_from("<I", header, 4)
        hids, records = [root], []
        for _level in range(levels):  # intermediate levels hold (key, hid of the next level)
            nxt = []
            for node_hid in hids:
                raw = self.item(node_hid)
                width = key_size + 4
                nxt += [
                    struct.unpack_from("<I", raw, at + key_size)[0]
                    for at in range(0, len(raw) - width + 1, width)
                ]
            hids = nxt
        width = key_size + data_size
        for node_hid in hids:
            raw = self.item(node_hid)
            records += [
                (raw[at : at + key_size], raw[at + key_size : at + width])
                for at in range(0, len(raw) - width + 1, width)
            ]
        return records


@dataclass
class PropertyBag:
    """Decoded properties of one object, by property id: (type, raw value bytes)."""

    values: dict[int, tuple[int, bytes]]
    codepage: str = "cp1252"  # of 8-bit strings (PidTagMessageCodepage)
    html_codepage: str = "cp1252"  # of the HTML body, stored as bytes (PidTagInternetCodepage)

    def text(self, prop_id: int) -> str:
        found = self.values.get(prop_id)
        if found is None:
            return ""
        kind, raw = found
        if kind == PT_UNICODE:
            value = raw.decode("utf-16-le", "replace")
        elif kind == PT_STRING8:
            value = raw.decode(self.codepage, "replace")
        elif kind == PT_BINARY:  # the HTML body is stored as bytes in the internet code page
            value = raw.decode(self.html_codepage, "replace")
        else:
            return ""
        return value.replace("\x00", "")

    def binary(self, prop_id: int) -> bytes:
        found = self.values.get(prop_id)
        return found[1] if found and found[0] in (PT_BINARY, PT_OBJECT) else b""

    def integer(self, prop_id: int) -> int | None:
        found = self.values.get(prop_id)
        if found is None or found[0] not in (PT_SHORT, PT_LONG, PT_BOOLEAN):
            return None
        raw = found[1].ljust(4, b"\x00")[:4]
        return int(struct.unpack("<i", raw)[0])

    def time(self, prop_id: int) -> datetime | None:
        found = self.values.get(prop_id)
        if found is None or found[0] != PT_SYSTIME or len(found[1]) < 8:
            return None
        (ticks,) = struct.unpack_from("<Q", found[1])
        if ticks == 0 or ticks >= 0x7FFFFFFFFFFFFFFF:
            return None
        try:
            return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
        except OverflowError:
            return None


def _value(db: NodeDatabase, heap: _Heap, subnodes: dict[int, Node], hnid: int) -> bytes:
    """A variable-size value: a heap item, or the data of a subnode for large ones."""
    if hnid == 0:
        return b""
    if hnid & 0x1F == 0:
        return heap.item(hnid)
    node = subnodes.get(hnid)
    if node is None:
        raise PstError(f"subnode {hnid:#x} is missing")
    return db.data(node.data_bid, _MAX_VALUE)


def read_properties(db: NodeDatabase, node: Node, subnodes: dict[int, Node]) -> PropertyBag:
    """The property context of a node (a folder, a message, an attachment)."""
    heap = _Heap(db.data_blocks(node.data_bid), _PC_SIGNATURE)
    values: dict[int, tuple[int, bytes]] = {}
    for key, data in heap.bth_records(heap.root):
        if len(key) != 2 or len(data) != 6:
            raise PstError("a property context with the wrong record size")
        (prop_id,) = struct.unpack("<H", key)
        kind, hnid = struct.unpack("<HI", data)
        if kind in _INLINE_IN_PC:
            values[prop_id] = (kind, struct.pack("<I", hnid)[: _INLINE_IN_PC[kind]])
        else:
            try:
                values[prop_id] = (kind, _value(db, heap, subnodes, hnid))
            except PstError:
                continue  # one unreadable property (often an unused one) must not lose the object
    bag = PropertyBag(values)
    codepage, html_codepage = bag.integer(0x3FFD), bag.integer(0x3FDE)
    if codepage:
        bag.codepage = _python_codec(codepage)
    if html_codepage or codepage:
        bag.html_codepage = _python_codec(html_codepage or codepage or 1252)
    return bag


def read_table(db: NodeDatabase, node: Node, subnodes: dict[int, Node]) -> list[PropertyBag]:
    """The rows of a table context (each row as a `PropertyBag`)."""
    heap = _Heap(db.data_blocks(node.data_bid), _TC_SIGNATURE)
    info = heap.item(heap.root)
    if len(info) < 22 or info[0] != _TC_SIGNATURE:
        raise PstError("a table without its TCINFO header")
    columns_count = info[1]
    _end4, _end2, ceb_at, row_size = struct.unpack_from("<4H", info, 2)
    row_index_hid, rows_hnid = struct.unpack_from("<II", info, 10)
    columns = [struct.unpack_from("<IHBB", info, 22 + 8 * i) for i in range(columns_count)]
    if 22 + 8 * columns_count > len(info) or row_size == 0:
        raise PstError("a table with impossible column descriptions")
    row_count = len(heap.bth_records(row_index_hid)) if row_index_hid else 0
    if rows_hnid == 0 or row_count == 0:
        return []
    if rows_hnid & 0x1F == 0:
        chunks = [heap.item(rows_hnid)]
    else:
        sub = subnodes.get(rows_hnid)
        if sub is None:
            raise PstError("a table's rows are missing")
        chunks = db.data_blocks(sub.data_bid)
    rows: list[PropertyBag] = []
    for chunk in chunks:  # rows never span two blocks
        for at in range(0, len(chunk) - row_size + 1, row_size):
            if len(rows) == row_count:
                break
            rows.append(_row(db, heap, subnodes, chunk[at : at + row_size], columns, ceb_at))
    return rows


def _row(
    db: NodeDatabase,
    heap: _Heap,
    subnodes: dict[int, Node],
    row: bytes,
    columns: list[tuple[int, int, int, int]],
    ceb_at: int,
) -> PropertyBag:
    values: dict[int, tuple[int, bytes]] = {}
    for tag, offset, size, bit in columns:
        kind, prop_id = tag & 0xFFFF, tag >> 16
        if ceb_at + bit // 8 >= len(row) or not row[ceb_at + bit // 8] & (0x80 >> (bit % 8)):
            continue  # the cell-existence bit is off: no value
        cell = row[offset : offset + size]
        if kind in _FIXED and not kind & 0x1000:
            values[prop_id] = (kind, cell)
        elif len(cell) == 4:
            try:
                values[prop_id] = (kind, _value(db, heap, subnodes, struct.unpack("<I", cell)[0]))
            except PstError:
                continue
    bag = PropertyBag(values)
    codepage = bag.integer(0x3FFD)
    if codepage:
        bag.codepage = _python_codec(codepage)
    return bag


def _python_codec(codepage: int) -> str:
    import codecs

    names = {65001: "utf-8", 20127: "ascii", 28591: "latin-1", 1200: "utf-16-le"}
    name = names.get(codepage, f"cp{codepage}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name
