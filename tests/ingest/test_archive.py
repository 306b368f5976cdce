"""Archives: members as children, path hygiene, limits, encrypted and broken files."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.errors import CorruptDocument, EmptyDocument, EncryptedDocument, LimitExceeded
from ingest.extractors.archive import (
    GzipExtractor,
    RarExtractor,
    SevenZipExtractor,
    TarExtractor,
    ZipExtractor,
    clean_member_path,
)
from ingest.extractors.base import Extraction, Extractor, Source

SAMPLES = [
    "testEXCEL.xls",
    "testHTML.html",
    "testOpenOffice2.odt",
    "testPDF.pdf",
    "testPPT.ppt",
    "testRTF.rtf",
    "testTXT.txt",
    "testWORD.doc",
    "testXML.xml",
]


def _run(extractor: Extractor, path: Path, settings: Settings, depth: int = 0) -> Extraction:
    source = Source(
        path=path, filename=path.name, mime_type=extractor.MIME_TYPES[0], settings=settings, depth=depth
    )
    return extractor.extract(source)


@pytest.mark.parametrize(
    ("name", "extractor", "prefix"),
    [
        ("test-documents.zip", ZipExtractor(), ""),
        ("test-documents.tar", TarExtractor(), "test-documents/"),
        ("test-documents.rar", RarExtractor(), "test-documents/"),
    ],
)
def test_sample_archives(
    name: str, extractor: Extractor, prefix: str, corpus: Path, settings: Settings
) -> None:
    result = _run(extractor, corpus / "ingest-file" / name, settings)
    assert [c.filename for c in result.children] == SAMPLES
    assert [c.position for c in result.children] == [prefix + s for s in SAMPLES]
    assert result.pages[0].text.splitlines() == [prefix + s for s in SAMPLES]
    text = next(c for c in result.children if c.filename == "testTXT.txt")
    assert text.data.startswith(b"Test d'indexation de")
    pdf = next(c for c in result.children if c.filename == "testPDF.pdf")
    assert pdf.data.startswith(b"%PDF")
    assert result.metadata["member_count"] == 9


def test_7z(corpus: Path, settings: Settings) -> None:
    result = _run(SevenZipExtractor(), corpus / "ingest-file/500_pages.7z", settings)
    [child] = result.children
    assert child.filename == "500 pages.pdf"
    assert child.position == "tests/fixtures/500 pages.pdf"
    assert child.data == (corpus / "ingest-file/500 pages.pdf").read_bytes()


def test_encrypted_7z(corpus: Path, settings: Settings) -> None:
    with pytest.raises(EncryptedDocument):
        _run(SevenZipExtractor(), corpus / "ingest-file/7z_password.7z", settings)


@pytest.mark.parametrize(
    ("name", "extractor"),
    [
        ("badzip.zip", ZipExtractor()),
        ("badtar.tar", TarExtractor()),
        ("bad7zip.7z", SevenZipExtractor()),
        ("badrar.rar", RarExtractor()),
        ("secret.txt", ZipExtractor()),
        ("secret.txt", TarExtractor()),
        ("secret.txt", SevenZipExtractor()),
        ("secret.txt", GzipExtractor()),
    ],
)
def test_broken_archives(name: str, extractor: Extractor, corpus: Path, settings: Settings) -> None:
    # The bad* samples hold a single symbolic link pointing outside the archive.
    with pytest.raises(CorruptDocument, match=r"\w"):
        _run(extractor, corpus / "ingest-file" / name, settings)


def test_zip_bomb(tmp_path: Path, settings: Settings) -> None:
    settings.max_expanded_mb = 10
    path = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.bin", "w") as member,
    ):
        for _ in range(200):
            member.write(bytes(1 << 20))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(LimitExceeded):
        _run(ZipExtractor(), path, settings)


def test_gzip_bomb_counts_real_bytes(tmp_path: Path, settings: Settings) -> None:
    settings.max_expanded_mb = 10
    path = tmp_path / "zeros.bin.gz"
    with gzip.open(path, "wb") as handle:
        for _ in range(30):
            handle.write(bytes(1 << 20))
    with pytest.raises(LimitExceeded):
        _run(GzipExtractor(), path, settings)


def test_gzip_member_name(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "upload.gz"
    with open(path, "wb") as raw, gzip.GzipFile("report.txt", "wb", fileobj=raw) as handle:
        handle.write(b"hello")
    result = _run(GzipExtractor(), path, settings)
    assert [(c.filename, c.data) for c in result.children] == [("report.txt", b"hello")]
    plain = tmp_path / "notes.txt.gz"
    plain.write_bytes(gzip.compress(b"x", mtime=0))
    assert _run(GzipExtractor(), plain, settings).children[0].filename == "notes.txt"


def test_member_paths_are_never_trusted(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../etc/passwd", b"a")
        archive.writestr("/abs/root.txt", b"b")
        archive.writestr("C:\\windows\\win.ini", b"c")
        archive.writestr("dir/", b"")
        archive.writestr("same.txt", b"d")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("same.txt", b"e")
    result = _run(ZipExtractor(), path, settings)
    assert [c.filename for c in result.children] == ["passwd", "root.txt", "win.ini", "same.txt", "same.txt"]
    assert [c.position for c in result.children] == [
        "etc/passwd",
        "abs/root.txt",
        "windows/win.ini",
        "same.txt",
        "same.txt#",
    ]


def test_tar_skips_links_and_devices(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "mixed.tar"
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("docs/readme.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
        link = tarfile.TarInfo("docs/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
        device = tarfile.TarInfo("dev/null")
        device.type = tarfile.CHRTYPE
        archive.addfile(device)
    result = _run(TarExtractor(), path, settings)
    assert [c.position for c in result.children] == ["docs/readme.txt"]
    assert len(result.warnings) == 2


def test_member_count_and_depth_limits(corpus: Path, settings: Settings) -> None:
    settings.max_children = 3
    with pytest.raises(LimitExceeded):
        _run(ZipExtractor(), corpus / "ingest-file/test-documents.zip", settings)
    settings.max_children = 100
    with pytest.raises(LimitExceeded):
        _run(ZipExtractor(), corpus / "ingest-file/test-documents.zip", settings, depth=settings.max_depth)


def test_empty_and_encrypted_zip(tmp_path: Path, settings: Settings) -> None:
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(EmptyDocument):
        _run(ZipExtractor(), empty, settings)
    encrypted = tmp_path / "locked.zip"
    with zipfile.ZipFile(encrypted, "w") as archive:
        archive.writestr("a.txt", b"secret")
    data = bytearray(encrypted.read_bytes())
    data[6] |= 0x01  # the local header's "encrypted" flag
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x01  # and the central directory's
    encrypted.write_bytes(bytes(data))
    with pytest.raises(EncryptedDocument):
        _run(ZipExtractor(), encrypted, settings)


def test_clean_member_path() -> None:
    assert clean_member_path("a/./b/../c\x00.txt") == "a/b/c.txt"
    assert clean_member_path("D:\\x\\y") == "x/y"
    assert clean_member_path("../..") == ""
