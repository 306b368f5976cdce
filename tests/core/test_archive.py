"""The archive stores each original once, read-only, named by its SHA-256."""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import pytest

from core.archive import Archive, ArchiveError


def test_store_once_by_hash(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    data = b"fattura n. 2024/118"
    sha = archive.store_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert archive.store_bytes(data) == sha
    path = archive.path_for(sha)
    assert path.read_bytes() == data
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert len([p for p in (tmp_path / "a").rglob("*") if p.is_file()]) == 1


def test_store_stream_limit_leaves_nothing(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    with pytest.raises(ArchiveError):
        archive.store_stream(io.BytesIO(b"x" * 100), max_bytes=10)
    assert [p for p in (tmp_path / "a").rglob("*") if p.is_file()] == []
    sha, size = archive.store_stream(io.BytesIO(b"abc"))
    assert size == 3 and archive.read_bytes(sha) == b"abc"


def test_rejects_names_that_are_not_digests(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    with pytest.raises(ArchiveError):
        archive.path_for("../../etc/passwd")
    with pytest.raises(ArchiveError):
        archive.read_bytes("0" * 64)
