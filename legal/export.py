"""Exports for legal teams: a ZIP, streamed, with originals, text, metadata and a manifest.

Layout of the archive::

    originals/<id>_<file name>    the bytes exactly as received
    text/<id>.txt                 the extracted text (pages separated by form feeds)
    metadata.csv, metadata.json   one record per document
    manifest-sha256.txt           `sha256sum -c` format, for every file above

The ZIP is written into a small buffer that is handed out chunk by chunk (the
zipfile module writes data descriptors on a stream it cannot seek), so memory
stays flat whatever the size. Limits are checked before the first byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from core.clock import now
from core.errors import ErrorKind
from legal.errors import LegalError, Missing

if TYPE_CHECKING:
    from core.archive import Archive
    from core.document import Document

__all__ = [
    "MAX_EXPORT_BYTES",
    "MAX_EXPORT_DOCUMENTS",
    "ExportError",
    "ExportPlan",
    "ExportTooLarge",
    "NothingToExport",
    "plan_export",
    "stream_export",
    "zip_safe_name",
]

MAX_EXPORT_BYTES = 2 * 1024**3
MAX_EXPORT_DOCUMENTS = 10_000
_CHUNK = 1 << 20
MANIFEST = "manifest-sha256.txt"
_COLUMNS = (
    "id",
    "root_id",
    "parent_id",
    "filename",
    "mime_type",
    "size",
    "sha256",
    "source",
    "title",
    "date",
    "ingested_at",
    "language",
    "category",
    "complaint",
    "sentiment",
    "sender",
    "subject",
    "original",
    "text",
)


class ExportError(LegalError):
    """An export that cannot be made."""


class ExportTooLarge(ExportError):
    kind: ClassVar[ErrorKind] = "too_large"
    code: ClassVar[str] = "payload_too_large"

    def __init__(self, message: str, documents: int, total_bytes: int) -> None:
        super().__init__(message, documents=documents, bytes=total_bytes)
        self.documents = documents
        self.total_bytes = total_bytes


class NothingToExport(Missing, ExportError):
    pass


def zip_safe_name(name: str, limit: int = 120) -> str:
    """One path component safe in a ZIP on any system: no separators, dots-only names or controls."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c if c.isprintable() and c not in '<>:"|?*' else "_" for c in name)
    cleaned = cleaned.strip().lstrip(".").strip()
    if len(cleaned) > limit:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) < 12 else cleaned[:limit]
    return cleaned or "unnamed"


@dataclass(frozen=True)
class ExportPlan:
    documents: list[Document]
    total_bytes: int
    created_at: datetime

    @property
    def filename(self) -> str:
        return f"faldone-export-{self.created_at:%Y%m%d-%H%M%S}.zip"


def plan_export(
    documents: Iterable[Document],
    *,
    max_bytes: int = MAX_EXPORT_BYTES,
    max_documents: int = MAX_EXPORT_DOCUMENTS,
) -> ExportPlan:
    """Check the limits before anything is sent."""
    docs: list[Document] = []
    total = 0
    for doc in documents:
        docs.append(doc)
        total += doc.size
        if len(docs) > max_documents:
            raise ExportTooLarge(f"more than {max_documents} documents: narrow the query", len(docs), total)
    if total > max_bytes:
        raise ExportTooLarge(
            f"{total} bytes of originals, more than the limit of {max_bytes}", len(docs), total
        )
    if not docs:
        raise NothingToExport("nothing to export")
    return ExportPlan(docs, total, now())


class _Sink(io.RawIOBase):
    """A write-only, non-seekable stream whose contents are drained as they arrive."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        return len(data)

    def drain(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def _csv_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _record(doc: Document, original: str, text: str) -> dict[str, Any]:
    ann = doc.annotations
    return {
        "id": doc.id,
        "root_id": doc.root_id,
        "parent_id": doc.parent_id or "",
        "filename": doc.filename,
        "mime_type": doc.mime_type,
        "size": doc.size,
        "sha256": doc.sha256,
        "source": doc.source,
        "title": doc.title,
        "date": doc.date.isoformat() if doc.date else "",
        "ingested_at": doc.ingested_at.isoformat() if doc.ingested_at else "",
        "language": ann.language or "",
        "category": ann.category,
        "complaint": ann.complaint,
        "sentiment": ann.sentiment,
        "sender": doc.email.sender if doc.email else "",
        "subject": doc.email.subject if doc.email else "",
        "original": original,
        "text": text,
    }


def stream_export(plan: ExportPlan, archive: Archive, *, description: dict[str, Any]) -> Iterator[bytes]:
    """The ZIP, chunk by chunk. A missing original is listed in `metadata` with an empty path."""
    from core.archive import ArchiveError

    sink = _Sink()
    manifest: list[tuple[str, str]] = []
    records: list[dict[str, Any]] = []
    stamp = plan.created_at.timetuple()[:6]

    def entry(name: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = compress
        return info

    with zipfile.ZipFile(sink, "w", allowZip64=True) as zf:  # type: ignore[arg-type]

        def add_bytes(name: str, data: bytes) -> None:
            manifest.append((hashlib.sha256(data).hexdigest(), name))
            zf.writestr(entry(name, zipfile.ZIP_DEFLATED), data)

        for doc in plan.documents:
            original = f"originals/{doc.id}_{zip_safe_name(doc.filename)}"
            try:
                path = archive.path_for(doc.sha256)
                handle = path.open("rb")
            except (ArchiveError, OSError):
                original = ""
            else:
                digest = hashlib.sha256()
                with handle, zf.open(entry(original, zipfile.ZIP_STORED), "w", force_zip64=True) as out:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        yield sink.drain()
                manifest.append((digest.hexdigest(), original))
            text = f"text/{doc.id}.txt"
            add_bytes(text, doc.text.encode("utf-8"))
            yield sink.drain()
            records.append(_record(doc, original, text))
        table = io.StringIO()
        writer = csv.DictWriter(table, fieldnames=_COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow({k: _csv_safe(str(v)) for k, v in record.items()})
        add_bytes("metadata.csv", table.getvalue().encode("utf-8"))
        add_bytes(
            "metadata.json",
            json.dumps(
                {"export": description, "created_at": plan.created_at.isoformat(), "documents": records},
                ensure_ascii=False,
                indent=1,
            ).encode("utf-8"),
        )
        zf.writestr(
            entry(MANIFEST, zipfile.ZIP_DEFLATED),
            "".join(f"{digest}  {name}\n" for digest, name in manifest).encode("utf-8"),
        )
    yield sink.drain()
