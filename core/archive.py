"""The archive: every original stored once, by SHA-256, and never modified.

Layout: ``<archive_dir>/ab/cd/<sha256>``. Writes go to a temporary file in the
same folder and are renamed into place, so a crash never leaves half a file,
and concurrent writers of the same bytes agree on the result.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, ClassVar

from core.errors import CoreError, ErrorKind

__all__ = ["Archive", "ArchiveError", "FileTooLarge", "OriginalMissing", "sha256_bytes", "sha256_file"]

_CHUNK = 1 << 20


class ArchiveError(CoreError):
    """A blob is missing, too large, or its bytes do not match its name."""


class OriginalMissing(ArchiveError):
    """No original under that name (or the name is not a SHA-256 digest)."""

    kind: ClassVar[ErrorKind] = "not_found"
    code: ClassVar[str] = "not_found"


class FileTooLarge(ArchiveError):
    kind: ClassVar[ErrorKind] = "too_large"
    code: ClassVar[str] = "payload_too_large"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Archive:
    """Content-addressed store of originals under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise OriginalMissing(f"not a SHA-256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def store_bytes(self, data: bytes) -> str:
        sha = sha256_bytes(data)
        if not self.exists(sha):
            self._write(sha, lambda handle: handle.write(data))
        return sha

    def store_file(self, path: Path) -> str:
        sha = sha256_file(path)
        if not self.exists(sha):
            with path.open("rb") as source:
                self._write(sha, lambda handle: shutil.copyfileobj(source, handle, _CHUNK))
        return sha

    def store_stream(self, stream: BinaryIO, max_bytes: int | None = None) -> tuple[str, int]:
        """Store a stream; returns (sha256, size). Raises ArchiveError past `max_bytes`."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise FileTooLarge(f"file larger than {max_bytes} bytes")
                    digest.update(chunk)
                    handle.write(chunk)
            sha = digest.hexdigest()
            target = self.path_for(sha)
            if target.exists():
                os.unlink(tmp_name)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp_name, 0o444)
                os.replace(tmp_name, target)
            return sha, size
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def read_bytes(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        if not path.exists():
            raise OriginalMissing(f"original {sha256} is missing from the archive")
        return path.read_bytes()

    def delete(self, sha256: str) -> None:
        """Remove a blob (retention only, after checking nothing else needs it)."""
        path = self.path_for(sha256)
        if path.exists():
            path.chmod(0o644)
            path.unlink()

    def _write(self, sha: str, writer: Callable[[BinaryIO], object]) -> None:
        target = self.path_for(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                writer(handle)
            os.chmod(tmp_name, 0o444)
            os.replace(tmp_name, target)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise
