"""The node database of Outlook ``.pst`` files (MS-PST section 2.2): B-trees, blocks, subnodes.

Written from Microsoft's published [MS-PST] specification (the Python PST readers are
LGPL). Both formats are read: ANSI (Outlook 97-2002, ``wVer`` 14/15, 32-bit ids) and
Unicode (Outlook 2003+, ``wVer`` 23, 64-bit ids). The file is read through `mmap`
(never loaded whole); blocks are looked up in the block B-tree on demand, so memory
does not grow with the file. Every offset read from the file is bounds-checked and
raises `PstError`, which the extractor turns into a "corrupt" reason.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Node", "NodeDatabase", "PstError", "PstUnsupported"]

_MAGIC = b"!BDN"
_ANSI_VERSIONS = (14, 15)
_UNICODE_VERSION = 23
_PAGE = 512
_NBT_PAGE, _BBT_PAGE = 0x81, 0x80
_CRYPT_NONE, _CRYPT_PERMUTE, _CRYPT_CYCLIC = 0, 1, 2
_MAX_TREE_DEPTH = 16  # B-trees of real files are 2-5 levels deep; more means a loop

# NDB_CRYPT_PERMUTE decoding table (MS-PST 5.1, the third part of mpbbCrypt; the same
# 256 values as java-libpst's `compEnc`, Apache-2.0).
_PERMUTE_DECODE_TABLE = bytes.fromhex(
    "47f1b4e60b6a7248854e9eebe2f89453e0bba002e85a09abdbe3bac67cc310dd"
    "39059630f53760828cc9134a6b1df3fb8f2697ca911701c4322d6e3195ffd923"
    "d1005e79dc443b1a28c5615720903d83b943be67d2464276c06d5b7eb20f1629"
    "3ca903540dda5ddff6b7c762cd8d06d3695c86d614f7a56675acb1e94521700c"
    "879f74a4224c6fbf1f56aa2eb3783350b0a392bccf191ca763cb1e4d3e4b1b9b"
    "4fe7f0eead3ab55904ea40552551e57a893868527bfc27aed7bdfa07f4cc8e5f"
    "ef359c842b15d5773449b6120a7f7188fd9d18417d93d8582ccefe24afdeb836"
    "c8a180a69998a82f0e816573e4c2a28ad4e111d0088b2af2ed9a643fc16cf9ec"
)


class PstError(Exception):
    """The file breaks the format (a bad offset, a loop, a missing block)."""


class PstUnsupported(Exception):
    """A valid PST this reader does not read (OST 2013 4K pages, cyclic obfuscation)."""


@dataclass(frozen=True)
class Node:
    """An NBT entry: a node's data tree, its subnode tree and its parent folder."""

    nid: int
    data_bid: int
    sub_bid: int
    parent_nid: int

    @property
    def kind(self) -> int:
        return self.nid & 0x1F


class NodeDatabase:
    """Random access to the nodes and blocks of one PST held in a bytes-like buffer."""

    def __init__(self, buffer: bytes | mmap.mmap) -> None:
        self.buf = buffer
        if len(buffer) < _PAGE or bytes(buffer[:4]) != _MAGIC:
            raise PstError("not an Outlook data file: the !BDN signature is missing")
        (version,) = struct.unpack_from("<H", buffer, 10)
        if version in _ANSI_VERSIONS:
            self.unicode = False
            nbt_ib, bbt_ib = self._u32(188), self._u32(196)
            crypt = buffer[461]
        elif version == _UNICODE_VERSION:
            self.unicode = True
            nbt_ib, bbt_ib = self._u64(224), self._u64(240)
            crypt = buffer[513]
        elif version >= 36:
            raise PstUnsupported(f"an Outlook 2013+ offline store with 4 KB pages (version {version})")
        else:
            raise PstError(f"unknown Outlook data file version {version}")
        if crypt == _CRYPT_CYCLIC:
            raise PstUnsupported("Outlook's 'high' (cyclic) encryption")
        if crypt not in (_CRYPT_NONE, _CRYPT_PERMUTE):
            raise PstError(f"unknown encryption method {crypt}")
        self.permuted = crypt == _CRYPT_PERMUTE
        self.id_size = 8 if self.unicode else 4
        self.trailer = 16 if self.unicode else 12
        self.nbt_root, self.bbt_root = nbt_ib, bbt_ib
        self._block = lru_cache(maxsize=512)(self._read_block)

    # -- primitive reads -------------------------------------------------------------------

    def _u32(self, offset: int) -> int:
        return int(struct.unpack_from("<I", self.buf, offset)[0])

    def _u64(self, offset: int) -> int:
        return int(struct.unpack_from("<Q", self.buf, offset)[0])

    def _id(self, data: bytes, offset: int) -> int:
        fmt = "<Q" if self.unicode else "<I"
        return int(struct.unpack_from(fmt, data, offset)[0])

    def _page(self, offset: int, expected: int) -> bytes:
        if offset <= 0 or offset + _PAGE > len(self.buf):
            raise PstError(f"a B-tree page points outside the file (offset {offset})")
        page = bytes(self.buf[offset : offset + _PAGE])
        ptype = page[_PAGE - self.trailer]  # the page trailer's ptype
        if ptype != expected:
            raise PstError(f"a B-tree page of the wrong type (0x{ptype:02x}) at offset {offset}")
        return page

    def _entries(self, page: bytes) -> tuple[int, int, int]:
        base = 488 if self.unicode else 496
        count, _max, size, level = page[base], page[base + 1], page[base + 2], page[base + 3]
        if size == 0 or count * size > base:
            raise PstError("a B-tree page with an impossible entry count")
        return count, size, level

    # -- the node B-tree -------------------------------------------------------------------

    def nodes(self) -> Iterator[Node]:
        """Every node of the file, in node-id order."""
        yield from self._walk_nbt(self.nbt_root, 0)

    def _walk_nbt(self, offset: int, depth: int) -> Iterator[Node]:
        if depth > _MAX_TREE_DEPTH:
            raise PstError("the node B-tree loops")
        page = self._page(offset, _NBT_PAGE)
        count, size, level = self._entries(page)
        step = self.id_size
        for index in range(count):
            at = index * size
            if level > 0:  # BTENTRY: key, then the child page's BREF (bid, ib)
                yield from self._walk_nbt(self._id(page, at + 2 * step), depth + 1)
            else:  # NBTENTRY: nid, bidData, bidSub, nidParent (32-bit)
                nid = self._id(page, at) & 0xFFFFFFFF
                data_bid, sub_bid = self._id(page, at + step), self._id(page, at + 2 * step)
                (parent,) = struct.unpack_from("<I", page, at + 3 * step)
                yield Node(nid, data_bid, sub_bid, parent)

    # -- blocks ----------------------------------------------------------------------------

    def _locate(self, bid: int) -> tuple[int, int]:
        """(file offset, size) of a block, from the block B-tree."""
        key = bid & ~1  # the lowest bit is reserved (MS-PST 2.2.2.2)
        offset = self.bbt_root
        step = self.id_size
        for _depth in range(_MAX_TREE_DEPTH):
            page = self._page(offset, _BBT_PAGE)
            count, size, level = self._entries(page)
            if level > 0:
                child = None
                for index in range(count):
                    if self._id(page, index * size) <= key:
                        child = self._id(page, index * size + 2 * step)
                    else:
                        break
                if child is None:
                    break
                offset = child
                continue
            for index in range(count):
                at = index * size
                if self._id(page, at) & ~1 == key:
                    ib = self._id(page, at + step)
                    (cb,) = struct.unpack_from("<H", page, at + 2 * step)
                    return ib, cb
            break
        raise PstError(f"block {bid:#x} is missing from the block B-tree")

    def _read_block(self, bid: int) -> bytes:
        ib, cb = self._locate(bid)
        if ib <= 0 or ib + cb > len(self.buf):
            raise PstError(f"block {bid:#x} lies outside the file")
        data = bytes(self.buf[ib : ib + cb])
        if self.permuted and not bid & 2:  # internal blocks (bit 1) are never encoded
            data = data.translate(_PERMUTE_DECODE_TABLE)
        return data

    def block(self, bid: int) -> bytes:
        return self._block(bid)  # type: ignore[no-any-return]

    def data_blocks(self, bid: int, depth: int = 0) -> list[bytes]:
        """The data blocks of a data tree in order (an XBLOCK/XXBLOCK is followed)."""
        if bid == 0:
            return []
        raw = self.block(bid)
        if not bid & 2:
            return [raw]
        if depth > 2 or len(raw) < 8 or raw[0] != 0x01:
            raise PstError(f"block {bid:#x} is not a valid XBLOCK")
        level, (count,) = raw[1], struct.unpack_from("<H", raw, 2)
        bids = [self._id(raw, 8 + i * self.id_size) for i in range(count)]
        if 8 + count * self.id_size > len(raw):
            raise PstError(f"XBLOCK {bid:#x} lists more blocks than it holds")
        if level == 1:
            return [self.block(child) for child in bids]
        blocks: list[bytes] = []
        for child in bids:
            blocks += self.data_blocks(child, depth + 1)
        return blocks

    def data(self, bid: int, limit: int) -> bytes:
        """A node's whole data stream (at most `limit` bytes, else `PstError`)."""
        blocks = self.data_blocks(bid)
        if sum(len(b) for b in blocks) > limit:
            raise PstError(f"a value larger than {limit // (1024 * 1024)} MB")
        return b"".join(blocks)

    def subnodes(self, bid: int, depth: int = 0) -> dict[int, Node]:
        """The subnode tree of a node (SLBLOCK/SIBLOCK), by subnode id."""
        found: dict[int, Node] = {}
        if bid == 0:
            return found
        raw = self.block(bid)
        if depth > 4 or len(raw) < 4 or raw[0] != 0x02:
            raise PstError(f"block {bid:#x} is not a valid subnode block")
        level, (count,) = raw[1], struct.unpack_from("<H", raw, 2)
        start, step = (8, self.id_size) if self.unicode else (4, self.id_size)
        width = 3 * step if level == 0 else 2 * step
        if start + count * width > len(raw):
            raise PstError(f"subnode block {bid:#x} lists more entries than it holds")
        for index in range(count):
            at = start + index * width
            nid = self._id(raw, at) & 0xFFFFFFFF
            if level == 0:
                found[nid] = Node(nid, self._id(raw, at + step), self._id(raw, at + 2 * step), 0)
            else:
                found.update(self.subnodes(self._id(raw, at + step), depth + 1))
        return found
