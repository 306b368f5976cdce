"""Time-stamped files: RFC 5544 ``.tsd`` (TimeStampedData) and RFC 3161 ``.tst`` tokens.

The Italian *marca temporale* comes as a ``.tsd``: the original file (often a signed
``.p7m``) with one or more time-stamp tokens. The file inside becomes a child
(position ``timestamped-content``), so a ``.p7m`` inside unwraps as usual. Each
token's time, serial number, policy and authority are recorded in
``metadata["timestamps"]``, with whether the token's message imprint matches the
content's hash. The authority's signature and certificate chain are not checked
(no trust list offline), and the page says so. A bare token (``.tst``) has no
content: it is indexed with its time-stamp data only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime
from pathlib import PurePath
from typing import Any, ClassVar

from asn1crypto import cms, parser, tsp

from core.document import Page
from ingest.errors import CorruptDocument
from ingest.extractors.base import Child, Extraction, Extractor, Source

__all__ = ["TimestampTokenExtractor", "TimestampedDataExtractor"]

TSD = "application/timestamped-data"
TST = "application/vnd.etsi.timestamp-token"
_SUFFIXES = (".tsd", ".tst", ".tsr")


class TimestampedDataExtractor(Extractor):
    """The content of a ``.tsd`` as a child, and its time stamps as metadata."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (TSD,)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".tsd",)
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        info = _content_info(source.read_bytes())
        if info["content_type"].native != "timestamped_data":
            raise CorruptDocument(f"a CMS file of type {info['content_type'].dotted}, not TimeStampedData")
        try:
            data = info["content"]
            content = data["content"].native
            meta = data["meta_data"]
            inner = meta["file_name"].native if meta.native and meta["file_name"].native else ""
            evidence = data["temporal_evidence"]
            tokens = list(evidence.chosen) if evidence.name == "tst_evidence" else []
            stamps = [_stamp(_token(item), content) for item in tokens]
        except (ValueError, TypeError, KeyError) as err:
            raise CorruptDocument(f"damaged time-stamped file: {err}") from err
        inner_name = _safe_name(inner) or _inner_name(source.filename)
        result = Extraction(
            pages=[Page(1, _render(inner_name, stamps))],
            title=f"{inner_name} (marca temporale)",
            metadata={"timestamps": stamps, "timestamped_file": inner_name},
        )
        if stamps:
            result.date = datetime.fromisoformat(stamps[0]["time"])
        if not stamps:
            result.warnings.append("the time-stamped file holds no RFC 3161 time stamp")
        for stamp in stamps:
            if stamp["imprint_matches"] is False:
                result.warnings.append(f"time stamp {stamp['serial_number']} does not match the content")
        if content:
            result.children.append(Child(inner_name, content, "timestamped-content"))
        else:
            result.warnings.append("the content is not inside the file (detached time stamp)")
        return result


class TimestampTokenExtractor(Extractor):
    """A bare RFC 3161 time-stamp token: its time stamp, nothing else to read."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (TST,)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".tst", ".tsr")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        info = _content_info(source.read_bytes())
        try:
            stamp = _stamp(info, None)
        except (ValueError, TypeError, KeyError) as err:
            raise CorruptDocument(f"damaged time-stamp token: {err}") from err
        inner_name = _inner_name(source.filename)
        result = Extraction(
            pages=[Page(1, _render(inner_name, [stamp]))],
            title=f"{source.filename} (marca temporale)",
            metadata={"timestamps": [stamp]},
        )
        result.date = datetime.fromisoformat(stamp["time"])
        return result


def _content_info(data: bytes) -> cms.ContentInfo:
    der = data
    if data[:1] != b"\x30":
        try:
            der = base64.b64decode(re.sub(rb"-----[^-]+-----|\s", b"", data), validate=True)
        except (binascii.Error, ValueError) as err:
            raise CorruptDocument("neither DER nor base64") from err
    try:
        info = cms.ContentInfo.load(_definite(der))
        info["content_type"].native  # noqa: B018 -- parse now, so damage is reported here
    except (ValueError, TypeError) as err:
        raise CorruptDocument(f"damaged CMS structure: {err}") from err
    return info


def _token(item: Any) -> cms.ContentInfo:
    """The token of a TimeStampAndCRL, read as the ContentInfo RFC 5544 says it is
    (asn1crypto declares it an EncapsulatedContentInfo, which fails on real files)."""
    (_, _, _, header, content, _), _ = parser._parse(item.contents, len(item.contents), 0)
    return cms.ContentInfo.load(header + content)


def _definite(data: bytes, depth: int = 0) -> bytes:
    """BER with indefinite lengths (as .tsd writers emit) re-encoded with definite ones.

    asn1crypto reads indefinite lengths, but not inside the implicitly tagged choice
    that holds the evidence; the same values with definite lengths parse everywhere.
    """
    if depth > 64:
        raise ValueError("ASN.1 nested too deeply")
    out = bytearray()
    pointer = 0
    while pointer < len(data):
        (cls, method, tag, header, content, _), pointer = parser._parse(data, len(data), pointer)
        if cls == 0 and tag == 4 and method == 1:  # a chunked OCTET STRING: one primitive
            joined = _octets(content)
            out += b"\x04" + _length(len(joined)) + joined
        elif method == 1 and header[1:2] == b"\x80":  # constructed, indefinite length
            content = _definite(content, depth + 1)
            out += header[:-1] + _length(len(content)) + content
        elif method == 1:
            inner = _definite(content, depth + 1)
            out += header if inner == content else _retag(header, len(inner))
            out += inner
        else:
            out += header + content
    return bytes(out)


def _octets(data: bytes) -> bytes:
    out = bytearray()
    pointer = 0
    while pointer < len(data):
        (_, method, _, _, content, _), pointer = parser._parse(data, len(data), pointer)
        out += _octets(content) if method == 1 else content
    return bytes(out)


def _retag(header: bytes, size: int) -> bytes:
    """The identifier octets of `header` with a new definite length."""
    first = header[1]
    length_octets = 1 if first < 0x80 else 1 + (first & 0x7F)
    return header[: len(header) - length_octets] + _length(size)


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _stamp(token: Any, content: bytes | None) -> dict[str, Any]:
    signed = token["content"]
    tst = signed["encap_content_info"]["content"].parsed
    if not isinstance(tst, tsp.TSTInfo):
        raise ValueError("the time stamp does not hold TSTInfo")
    imprint = tst["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    matches: bool | None = None
    if content is not None and algorithm in hashlib.algorithms_available:
        matches = hashlib.new(algorithm, content).digest() == imprint["hashed_message"].native
    tsa = tst["tsa"]
    return {
        "time": tst["gen_time"].native.isoformat(),
        "serial_number": str(tst["serial_number"].native),
        "policy": tst["policy"].dotted,
        "authority": _authority(tsa.chosen.native if tsa.native else None, signed),
        "hash_algorithm": algorithm,
        "imprint_matches": matches,
    }


def _authority(name: Any, signed: Any) -> str:
    if isinstance(name, dict):
        return ", ".join(f"{v}" for k, v in name.items() if k in ("common_name", "organization_name")) or str(
            name
        )
    if name:
        return str(name)
    for cert in signed["certificates"] or []:
        subject = cert.chosen.subject.native
        if subject.get("common_name"):
            return str(subject["common_name"])
    return ""


def _render(inner_name: str, stamps: list[dict[str, Any]]) -> str:
    lines = [f"File con marca temporale: {inner_name}"]
    for stamp in stamps:
        outcome = {True: "corrisponde al contenuto", False: "NON corrisponde al contenuto", None: "-"}
        lines += [
            f"Marca temporale del {stamp['time']} (numero di serie {stamp['serial_number']})",
            f"  Ente di certificazione: {stamp['authority'] or '-'}; policy {stamp['policy']}",
            f"  Impronta {stamp['hash_algorithm']}: {outcome[stamp['imprint_matches']]}",
        ]
    lines.append("Verifica solo dell'impronta: firma e certificato dell'ente non verificati.")
    return "\n".join(lines)


def _inner_name(filename: str) -> str:
    path = PurePath(filename)
    if path.suffix.lower() in _SUFFIXES and path.stem:
        return path.stem
    return f"{filename or 'documento'}.bin"


def _safe_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()
