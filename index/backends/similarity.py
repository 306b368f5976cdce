"""Near-duplicate signatures shared by both backends: a 64-bit SimHash of the text.

Method (Charikar's SimHash over word 3-shingles): the text is lower-cased,
accent-folded and split into words; every run of three consecutive words is hashed
(blake2b, 64 bits) and each bit position adds +1/-1 per shingle; the signature's
bit is set where the sum is positive. Texts that share most of their shingles get
signatures a few bits apart.

The signature is stored as ``simhash`` (16 hex digits) and as four 16-bit
``simhash_band`` values (``"0:1a2b"``...). Two signatures at most
`NEAR_DUPLICATE_BITS` (3) bits apart agree on at least one whole band
(pigeonhole), so the backend looks up documents sharing a band and keeps those
whose Hamming distance is small enough. Texts under `MIN_WORDS` words get no
signature: too short to call anything a near-duplicate.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

__all__ = [
    "MIN_WORDS",
    "NEAR_DUPLICATE_BITS",
    "SIGNATURE_FIELDS",
    "bands",
    "hamming",
    "signature_fields",
    "simhash",
]

NEAR_DUPLICATE_BITS = 3
MIN_WORDS = 8
SIGNATURE_FIELDS: tuple[str, ...] = ("simhash", "simhash_band")
_BANDS = 4
_WORD = re.compile(r"[^\W_]+")
_SHINGLE = 3
_CHUNK = 65_536
_SHIFTS = np.arange(64, dtype=np.uint64)


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return _WORD.findall(plain)


def simhash(text: str) -> int | None:
    """The 64-bit SimHash of `text`, or None when it is too short."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    hashes = np.fromiter(
        (
            int.from_bytes(
                hashlib.blake2b(" ".join(words[i : i + _SHINGLE]).encode(), digest_size=8).digest()
            )
            for i in range(len(words) - _SHINGLE + 1)
        ),
        dtype=np.uint64,
    )
    ones = np.zeros(64, dtype=np.int64)
    for chunk in range(0, len(hashes), _CHUNK):  # bounded memory for very long texts
        bits = hashes[chunk : chunk + _CHUNK, None] >> _SHIFTS & np.uint64(1)
        ones += bits.sum(axis=0, dtype=np.int64)
    return sum(1 << bit for bit in range(64) if 2 * int(ones[bit]) > len(hashes))


def bands(signature: int) -> list[str]:
    """The four band keys of a signature."""
    return [f"{band}:{signature >> (16 * band) & 0xFFFF:04x}" for band in range(_BANDS)]


def hamming(first: int, second: int) -> int:
    """Number of differing bits."""
    return (first ^ second).bit_count()


def signature_fields(text: str) -> dict[str, str | list[str]]:
    """``simhash`` and ``simhash_band`` values for `text` (empty when too short)."""
    signature = simhash(text)
    if signature is None:
        return {}
    return {"simhash": f"{signature:016x}", "simhash_band": bands(signature)}
