"""HEIC/HEIF photos: indexed with their metadata and a true, bilingual reason for no OCR.

``testHEIF.heic`` and ``testHEIC_livePhoto.heic`` (an iPhone 15 Pro's Exif) are Apache
Tika test files (see ``tests/data/formats/SOURCES.md``). The AVIF case is made in the
test from a real corpus scan, since Pillow decodes AV1 with permissive libraries.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from core.archive import Archive
from core.catalog import JobSpec
from core.settings import Settings
from index.backend import SearchRequest
from index.backends.embedded import EmbeddedBackend
from ingest.detect import detect_mime
from ingest.errors import CorruptDocument
from ingest.pipeline import extract_job
from tests.ingest._extract_support import require_tesseract, run

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"


def test_an_iphone_photo_is_indexed_with_camera_date_and_place(settings: Settings, tmp_path: Path) -> None:
    path = DATA / "testHEIC_livePhoto.heic"
    assert detect_mime(path.read_bytes(), path.name) == "image/heic"
    sha = Archive(settings.archive_dir).store_bytes(path.read_bytes())
    outcome = extract_job(JobSpec(1, sha, path.name, "test", "", 0), settings)
    assert outcome.error is None, outcome.error  # indexed, not quarantined
    (doc,) = outcome.documents
    assert doc.metadata["camera_make"] == "Apple" and doc.metadata["camera_model"] == "iPhone 15 Pro"
    assert (doc.metadata["width"], doc.metadata["height"]) == (4032, 3024)
    assert doc.metadata["gps"] == {"latitude": 36.097042, "longitude": -81.7844, "altitude": 1330.4}
    assert doc.date == datetime(2025, 7, 11, 16, 41, 55, tzinfo=timezone(timedelta(hours=-4)))
    assert doc.metadata["picture_not_read"] == "no_permissive_decoder"
    (reason,) = [w for w in doc.warnings if "HEVC" in w]
    assert "no permissively licensed HEVC decoder" in reason and "LGPL-3.0" in reason
    assert "immagine non letta" in reason and "decodificatore HEVC con licenza permissiva" in reason
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    backend.index(outcome.documents)
    backend.commit()
    assert [hit.id for hit in backend.search(SearchRequest(query="iphone")).hits] == [doc.id]
    backend.close()


def test_heif_metadata_of_an_edited_camera_photo(settings: Settings) -> None:
    result = run(DATA / "testHEIF.heic", settings)
    assert result.metadata["codec"] == "HEVC"
    assert (result.metadata["width"], result.metadata["height"]) == (800, 544)
    assert result.metadata["camera_model"] == "Canon EOS 40D"
    assert result.metadata["gps"] == {"latitude": 12.54321, "longitude": -54.1234}
    assert result.pages[0].text.startswith("HEIF photo (HEVC) · 800 × 544 · Canon EOS 40D · 2009:08:11")


def test_a_damaged_heif_is_called_damaged(settings: Settings, tmp_path: Path) -> None:
    cut = tmp_path / "cut.heic"
    cut.write_bytes((DATA / "testHEIF.heic").read_bytes()[:600])
    with pytest.raises(CorruptDocument, match="damaged HEIF photo"):
        run(cut, settings)


def test_an_avif_photo_is_decoded_and_read(corpus: Path, settings: Settings, tmp_path: Path) -> None:
    require_tesseract()
    path = tmp_path / "phototest.avif"
    with Image.open(corpus / "ocr/phototest.tif") as scan:
        scan.convert("RGB").save(path, quality=90)  # AV1 in a HEIF container
    assert detect_mime(path.read_bytes(), path.name) == "image/avif"
    result = run(path, settings)
    assert result.metadata["codec"] == "AV1" and "picture_not_read" not in result.metadata
    assert "quick brown dog" in " ".join(result.pages[0].text.split())
