"""The stories of a Word 97-2003 file read straight from its piece table (MS-DOC).

iscc-tika leaves out header and footer text on some files (and all text on a few);
this reader fills that gap. The FIB gives the length of each story in characters
(main text, footnotes, headers...), the CLX in the table stream maps character
positions to pieces (cp1252 bytes or UTF-16LE). Field codes are dropped and their
results kept; cell and paragraph marks become line breaks.
"""

from __future__ import annotations

import re
import struct

import olefile

__all__ = ["missing_lines", "word_text"]
_FIELD = re.compile("\x13[^\x13\x14\x15]*\x14([^\x13\x14\x15]*)\x15|\x13[^\x13\x14\x15]*\x15")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def word_text(data: bytes) -> str:
    """Text of every story (main text, footnotes, headers and footers, comments, text
    boxes) in file order; raises ValueError when the file is not a readable .doc."""
    try:
        with olefile.OleFileIO(data) as ole:
            word = ole.openstream("WordDocument").read()
            flags = struct.unpack_from("<H", word, 0x0A)[0]
            table = ole.openstream("1Table" if flags & 0x0200 else "0Table").read()
        if flags & 0x0100:
            raise ValueError("encrypted")
        csw = struct.unpack_from("<H", word, 32)[0]
        cslw = struct.unpack_from("<H", word, 34 + csw * 2)[0]
        blob_at = 34 + csw * 2 + 2 + cslw * 4 + 2
        fc_clx, lcb_clx = struct.unpack_from("<II", word, blob_at + 33 * 8)  # FibRgFcLcb97.fcClx
        return _clean(_pieces(word, table[fc_clx : fc_clx + lcb_clx]))
    except (OSError, struct.error) as err:
        raise ValueError(f"not a readable Word 97-2003 file: {err}") from err


def missing_lines(data: bytes, known: str) -> list[str]:
    """Lines of the file's stories that `known` (another reader's text) lacks."""
    try:
        text = word_text(data)
    except ValueError:
        return []
    seen = " ".join(known.split())
    return [line for line in text.split("\n") if " ".join(line.split()) not in seen]


def _pieces(word: bytes, clx: bytes) -> str:
    pointer = 0
    while pointer < len(clx) and clx[pointer] == 0x01:  # Prc: property modifiers, skipped
        pointer += 3 + struct.unpack_from("<H", clx, pointer + 1)[0]
    if pointer >= len(clx) or clx[pointer] != 0x02:
        raise ValueError("no piece table")
    size = struct.unpack_from("<I", clx, pointer + 1)[0]
    plc = clx[pointer + 5 : pointer + 5 + size]
    count = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}i", plc, 0)
    out: list[str] = []
    for index in range(count):
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)[0]
        chars = cps[index + 1] - cps[index]
        if fc & 0x40000000:
            offset = (fc & ~0x40000000) // 2
            out.append(word[offset : offset + chars].decode("cp1252", "replace"))
        else:
            out.append(word[fc : fc + 2 * chars].decode("utf-16-le", "replace"))
    return "".join(out)


def _clean(text: str) -> str:
    previous = None
    while previous != text:  # nested fields: innermost first
        previous = text
        text = _FIELD.sub(lambda m: m.group(1) or "", text)
    text = text.replace("\r", "\n").replace("\x07", "\t").replace("\x0b", "\n")
    lines = (" ".join(_CONTROLS.sub("", line).split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
