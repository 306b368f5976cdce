"""Archives: zip, tar, gzip, bzip2 (stdlib) and 7z, rar (libarchive); members become children.

Member paths are never trusted: a child's filename is the last path component, and
its position is the path with ``..``, drive letters and empty parts removed. Links,
directories and device entries are skipped, never followed. Limits come from the
settings: the member count (`max_children`), the total expanded size
(`max_expanded_mb`, checked on the declared sizes *and* on the bytes actually read,
so a zip bomb stops early) and the nesting depth (`max_depth`). The archive itself
is indexed with the list of its member paths.
"""

from __future__ import annotations

import bz2
import gzip
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath
from typing import IO, ClassVar, Literal

from core.document import Page
from ingest.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    IngestError,
    LimitExceeded,
    UnsupportedFormat,
)
from ingest.extractors.base import Child, Extraction, Extractor, Source

__all__ = [
    "Bzip2Extractor",
    "GzipExtractor",
    "RarExtractor",
    "SevenZipExtractor",
    "TarExtractor",
    "ZipExtractor",
    "clean_member_path",
]

_CHUNK = 1 << 20
_MB = 1 << 20


@dataclass
class _Member:
    path: str
    kind: Literal["file", "dir", "other"]
    size: int | None  # as declared by the archive; the real size is counted while reading
    encrypted: bool
    chunks: Callable[[], Iterator[bytes]]


class _ArchiveExtractor(Extractor):
    """Shared loop: limits, path hygiene and the member listing."""

    SCORE: ClassVar[int] = 10

    def members(self, source: Source) -> Iterator[_Member]:
        """The entries in archive order; their `chunks` are read before the next entry."""
        raise NotImplementedError

    def translate(self, err: Exception) -> IngestError | None:
        """The ingest error for a library exception, or None to let it through."""
        raise NotImplementedError

    def extract(self, source: Source) -> Extraction:
        settings = source.settings
        if source.depth >= settings.max_depth:
            raise LimitExceeded(f"archive nested {source.depth} deep; the limit is {settings.max_depth}")
        try:
            return self._extract(source)
        except IngestError:
            raise
        except Exception as err:
            mapped = self.translate(err)
            if mapped is None:
                raise
            raise mapped from err

    def _extract(self, source: Source) -> Extraction:
        settings = source.settings
        budget = settings.max_expanded_mb * _MB
        result = Extraction(title=source.filename)
        positions: set[str] = set()
        total = skipped = 0
        for member in self.members(source):
            if member.kind == "dir":
                continue
            if member.kind == "other":
                skipped += 1
                result.warnings.append(f"skipped link or special entry {member.path!r}")
                result.skipped.append(
                    (
                        member.path,
                        "a link or special entry, never followed (it could point outside the archive)",
                    )
                )
                continue
            if member.encrypted:
                raise EncryptedDocument(f"member {member.path!r} is encrypted")
            if len(result.children) >= settings.max_children:
                raise LimitExceeded(f"more than {settings.max_children} members")
            if member.size is not None and total + member.size > budget:
                raise LimitExceeded(f"members expand to more than {settings.max_expanded_mb} MB (declared)")
            data = bytearray()
            for chunk in member.chunks():
                data += chunk
                if total + len(data) > budget:
                    raise LimitExceeded(f"members expand to more than {settings.max_expanded_mb} MB")
            total += len(data)
            path = clean_member_path(member.path) or f"member-{len(result.children) + 1}"
            position = path
            while position in positions:  # duplicate names exist in real zips
                position += "#"
            positions.add(position)
            name = PurePosixPath(path).name
            result.children.append(Child(name, bytes(data), position, None, {"archive_path": path}))
        if not result.children:
            if skipped:
                raise CorruptDocument(
                    f"the archive holds no regular files, only {skipped} link(s) or special entries"
                )
            raise EmptyDocument("the archive holds no files")
        result.pages = [Page(1, "\n".join(child.position for child in result.children))]
        result.metadata.update(member_count=len(result.children), expanded_bytes=total)
        return result


def clean_member_path(path: str) -> str:
    """A member path made safe: forward slashes, no drive, no ``..``/``.``, printable only."""
    parts: list[str] = []
    for part in path.replace("\\", "/").split("/"):
        part = "".join(ch for ch in part if ch.isprintable()).strip()
        if len(part) == 2 and part[1] == ":" and not parts:
            continue  # a Windows drive letter
        if part in ("", ".", ".."):
            continue
        parts.append(part)
    return "/".join(parts)


def _read_all(stream: IO[bytes] | gzip.GzipFile | bz2.BZ2File) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


class ZipExtractor(_ArchiveExtractor):
    """ZIP archives (stdlib `zipfile`)."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/zip",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".zip",)

    def members(self, source: Source) -> Iterator[_Member]:
        with zipfile.ZipFile(source.path) as archive:
            for info in archive.infolist():
                mode = info.external_attr >> 16
                kind: Literal["file", "dir", "other"] = "file"
                if info.is_dir():
                    kind = "dir"
                elif stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # symlinks, devices (Unix modes)
                    kind = "other"
                encrypted = bool(info.flag_bits & 0x1)
                yield _Member(
                    info.filename, kind, info.file_size, encrypted, partial(_zip_chunks, archive, info)
                )

    def translate(self, err: Exception) -> IngestError | None:
        if isinstance(err, NotImplementedError):
            return UnsupportedFormat(f"zip compression method not supported: {err}")
        if isinstance(err, RuntimeError) and "encrypted" in str(err):
            return EncryptedDocument(f"the zip archive is encrypted: {err}")
        if isinstance(err, zipfile.BadZipFile | zlib.error | EOFError | OSError | ValueError):
            return CorruptDocument(f"broken zip archive: {err}")
        return None


def _zip_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    return _read_all(archive.open(info))


class TarExtractor(_ArchiveExtractor):
    """Tar archives, also compressed ones that the detector calls tar (stdlib `tarfile`)."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/x-tar",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".tar",)

    def members(self, source: Source) -> Iterator[_Member]:
        with tarfile.open(source.path, mode="r:*") as archive:
            for info in archive:
                kind: Literal["file", "dir", "other"] = (
                    "file" if info.isreg() else "dir" if info.isdir() else "other"
                )
                yield _Member(info.name, kind, info.size, False, partial(_tar_chunks, archive, info))

    def translate(self, err: Exception) -> IngestError | None:
        if isinstance(err, tarfile.TarError | zlib.error | EOFError | OSError | ValueError):
            return CorruptDocument(f"broken tar archive: {err}")
        return None


def _tar_chunks(archive: tarfile.TarFile, info: tarfile.TarInfo) -> Iterator[bytes]:
    stream = archive.extractfile(info)
    return _read_all(stream) if stream is not None else iter(())


class GzipExtractor(_ArchiveExtractor):
    """A gzip file holds one member: named from its header, else from the file name."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/gzip", "application/x-gzip")
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".gz", ".tgz")

    def members(self, source: Source) -> Iterator[_Member]:
        with source.path.open("rb") as handle:
            header = handle.read(4096)
        name = _gzip_name(header) or _strip_gz(source.filename)
        yield _Member(name, "file", None, False, partial(_gzip_chunks, source))

    def translate(self, err: Exception) -> IngestError | None:
        if isinstance(err, gzip.BadGzipFile | zlib.error | EOFError | OSError):
            return CorruptDocument(f"broken gzip file: {err}")
        return None


def _gzip_chunks(source: Source) -> Iterator[bytes]:
    return _read_all(gzip.open(source.path, "rb"))


def _gzip_name(header: bytes) -> str:
    """The original file name stored in a gzip header (RFC 1952 FNAME), if any."""
    if len(header) < 10 or header[:2] != b"\x1f\x8b" or not header[3] & 0x08:
        return ""
    offset = 10
    if header[3] & 0x04:  # FEXTRA comes first
        offset += 2 + int.from_bytes(header[10:12], "little")
    end = header.find(b"\x00", offset)
    return header[offset:end].decode("latin-1") if end > offset else ""


def _strip_gz(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".tgz"):
        return filename[:-4] + ".tar"
    return filename[:-3] if lower.endswith(".gz") else filename + ".out"


class Bzip2Extractor(_ArchiveExtractor):
    """A bzip2 file holds one member, named after the file (``.tbz2`` -> ``.tar``)."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/x-bzip2", "application/x-bzip")
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".bz2", ".tbz2", ".tbz")

    def members(self, source: Source) -> Iterator[_Member]:
        yield _Member(_strip_bz2(source.filename), "file", None, False, partial(_bz2_chunks, source))

    def translate(self, err: Exception) -> IngestError | None:
        if isinstance(err, EOFError | OSError | ValueError):
            return CorruptDocument(f"broken bzip2 file: {err}")
        return None


def _bz2_chunks(source: Source) -> Iterator[bytes]:
    return _read_all(bz2.open(source.path, "rb"))


def _strip_bz2(filename: str) -> str:
    lower = filename.lower()
    for suffix, replacement in ((".tbz2", ".tar"), (".tbz", ".tar"), (".bz2", "")):
        if lower.endswith(suffix):
            return filename[: -len(suffix)] + replacement
    return filename + ".out"


class _LibarchiveExtractor(_ArchiveExtractor):
    """Formats the stdlib cannot read, through the system libarchive (BSD).

    Only the one expected format is enabled: libarchive's catch-all would also accept
    formats such as mtree, whose entries point at files on this machine.
    """

    def libarchive_format(self, source: Source) -> str:
        raise NotImplementedError

    def members(self, source: Source) -> Iterator[_Member]:
        try:
            import libarchive
        except (ImportError, OSError) as err:  # OSError: the shared library is missing
            raise UnsupportedFormat(f"{source.mime_type} needs libarchive, which is not installed") from err
        fmt = self.libarchive_format(source)
        with libarchive.file_reader(str(source.path), format_name=fmt, filter_name="none") as archive:
            for entry in archive:
                kind: Literal["file", "dir", "other"] = (
                    "file" if entry.isreg else "dir" if entry.isdir else "other"
                )
                path = entry.pathname
                if isinstance(path, bytes):
                    path = path.decode("utf-8", "replace")
                yield _Member(str(path or ""), kind, entry.size, False, entry.get_blocks)

    def translate(self, err: Exception) -> IngestError | None:
        if type(err).__name__ != "ArchiveError":  # libarchive is imported lazily
            return None
        message = str(err)
        if "ncrypt" in message or "passphrase" in message.lower():
            return EncryptedDocument(f"the archive is encrypted: {message}")
        return CorruptDocument(f"broken archive: {message}")


class SevenZipExtractor(_LibarchiveExtractor):
    """7-Zip archives."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/x-7z-compressed",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".7z",)

    def libarchive_format(self, source: Source) -> str:
        return "7zip"


class RarExtractor(_LibarchiveExtractor):
    """RAR archives (v4 and v5, as far as libarchive reads them)."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/vnd.rar", "application/x-rar-compressed")
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".rar",)

    def libarchive_format(self, source: Source) -> str:
        with source.path.open("rb") as handle:
            signature = handle.read(8)
        return "rar5" if signature == b"Rar!\x1a\x07\x01\x00" else "rar"
