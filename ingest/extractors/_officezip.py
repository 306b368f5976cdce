"""Shared reading of zipped XML office packages (OOXML and ODF).

Parts are read with a size budget (`settings.max_expanded_mb`) so that a zip bomb
dressed up as a document stops early, and password-protected packages are told
apart from broken ones: an encrypted OOXML file is an OLE container holding an
``EncryptedPackage`` stream, not a zip at all.
"""

from __future__ import annotations

import zipfile
import zlib
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import olefile

from ingest.errors import CorruptDocument, EncryptedDocument, LimitExceeded
from ingest.extractors.base import Source

__all__ = ["OLE_MAGIC", "Package", "is_encrypted_ole", "local", "parse_datetime"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MB = 1 << 20


def is_encrypted_ole(data: bytes) -> bool:
    """True for an OLE file holding an encrypted OOXML package (Office 2007+ password)."""
    if not data.startswith(OLE_MAGIC):
        return False
    try:
        with olefile.OleFileIO(data) as ole:
            return bool(ole.exists("EncryptedPackage") and ole.exists("EncryptionInfo"))
    except Exception:  # a damaged OLE file is simply not an encrypted package
        return False


class Package:
    """An opened office zip; `xml(name)` parses one part within the size budget."""

    def __init__(self, source: Source, kind: str) -> None:
        self.kind = kind
        self.budget = source.settings.max_expanded_mb * _MB
        with source.path.open("rb") as handle:
            head = handle.read(8)
        if head.startswith(OLE_MAGIC):
            if is_encrypted_ole(source.read_bytes()):
                raise EncryptedDocument(f"the {kind} document is protected by a password")
            raise CorruptDocument(f"an OLE file, not a {kind} package")
        try:
            self.zip = zipfile.ZipFile(source.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as err:
            raise CorruptDocument(f"broken {kind} package: {err}") from err
        self.names = set(self.zip.namelist())

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes | None:
        """The bytes of part `name`, or None when the package has no such part."""
        if name not in self.names:
            return None
        info = self.zip.getinfo(name)
        if info.file_size > self.budget:
            raise LimitExceeded(f"part {name} expands to more than the {self.budget // _MB} MB limit")
        try:
            with self.zip.open(info) as stream:
                data = stream.read(self.budget + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as err:
            raise CorruptDocument(f"broken {self.kind} part {name}: {err}") from err
        except RuntimeError as err:  # zipfile: "File ... is encrypted, password required"
            raise EncryptedDocument(f"the {self.kind} part {name} is encrypted") from err
        if len(data) > self.budget:
            raise LimitExceeded(f"part {name} expands to more than the {self.budget // _MB} MB limit")
        return data

    def xml(self, name: str) -> ET.Element | None:
        """Part `name` parsed as XML, or None when it is missing."""
        data = self.read(name)
        if data is None:
            return None
        try:
            return ET.fromstring(data)
        except ET.ParseError as err:
            raise CorruptDocument(f"broken XML in {self.kind} part {name}: {err}") from err


def local(tag: str) -> str:
    """An element's tag without its ``{namespace}``."""
    return tag.rsplit("}", 1)[-1]


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp from document metadata; values without a zone are taken as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
