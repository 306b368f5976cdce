"""HEIC/HEIF photos: indexed with what their metadata says; the picture is not decoded.

Phones store photos as HEVC-coded HEIF. Every HEVC decoder available to Faldone is
LGPL or GPL (libheif and libde265 LGPL-3.0; the pillow-heif wheels add x265, GPL-2.0;
npm's libheif-js and Debian's libheif1/libde265-0 are the same libraries), and the
project's runtime dependencies must be permissive, so the picture is not read by OCR.
The document still says what the photo is: size, codec, camera, when and where it
was taken (Exif, read by Pillow from the Exif item), with a warning in Italian and
English that gives the reason. A HEIF whose primary picture is AV1-coded (AVIF) is
decoded by Pillow (libavif and dav1d, BSD) and read like any image.

The date is the Exif ``DateTimeOriginal`` with its ``OffsetTimeOriginal``; without an
offset the camera's local time is taken as UTC (``metadata["taken"]`` keeps it as written).
"""

from __future__ import annotations

import contextlib
import struct
import warnings as py_warnings
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

from PIL import Image

from core.document import Page
from ingest.errors import CorruptDocument, EmptyDocument
from ingest.extractors._heif import HeifError, HeifInfo, read_heif
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.extractors.image import ImageExtractor

__all__ = ["NOT_DECODED", "HeifExtractor"]

_CODECS = {"hvc1": "HEVC", "hev1": "HEVC", "av01": "AV1", "jpeg": "JPEG", "vvc1": "VVC", "avc1": "H.264"}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_MAKE, _MODEL, _SOFTWARE, _ORIENTATION, _DATETIME = 0x010F, 0x0110, 0x0131, 0x0112, 0x0132
_TAKEN, _TAKEN_OFFSET, _LENS = 0x9003, 0x9011, 0xA434
NOT_DECODED = (
    "picture not read (no OCR): it is coded with {codec}, and no permissively licensed {codec} "
    "decoder exists (libheif and libde265 are LGPL-3.0, x265 GPL-2.0); its metadata is indexed. "
    "To have its text read, save the photo as JPEG (iPhone: Settings > Camera > Formats > "
    "Most Compatible) / "
    "immagine non letta (niente OCR): è codificata in {codec} e non esiste un decodificatore "
    "{codec} con licenza permissiva (libheif e libde265 sono LGPL-3.0, x265 GPL-2.0); ne sono "
    "indicizzati i metadati. Per leggerne il testo, salvare la foto in JPEG (iPhone: "
    "Impostazioni > Fotocamera > Formati > Più compatibile)"
)


class HeifExtractor(Extractor):
    """HEIC/HEIF: metadata always; the picture only when it is AV1 (Pillow decodes AVIF)."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = (
        "image/heic",
        "image/heif",
        "image/heic-sequence",
        "image/heif-sequence",
        "image/avif",
    )
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".heic", ".heif", ".hif", ".avif")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        data = source.read_bytes()
        if not data:
            raise EmptyDocument("the photo file is empty")
        try:
            info = read_heif(data)
        except (HeifError, struct.error, IndexError, ValueError) as err:
            raise CorruptDocument(f"damaged HEIF photo: {err}") from err
        codec = _codec(info)
        if codec == "AV1":
            result = ImageExtractor().extract(source)  # Pillow's AVIF plugin decodes it
        else:
            result = Extraction()
            result.warnings.append(NOT_DECODED.format(codec=codec))
            result.metadata["picture_not_read"] = "no_permissive_decoder"
        result.metadata.update(_describe(info, codec))
        result.metadata.update(_exif(info.exif, result))
        summary = _summary(result.metadata)
        if codec != "AV1":
            result.pages = [Page(1, summary)]
        result.title = result.title or source.filename
        return result


def _codec(info: HeifInfo) -> str:
    kind = info.tile_types[0] if info.primary_type == "grid" and info.tile_types else info.primary_type
    if not kind and info.major_brand in ("avif", "avis"):
        kind = "av01"
    return _CODECS.get(kind, kind or "an unknown codec")


def _describe(info: HeifInfo, codec: str) -> dict[str, Any]:
    found: dict[str, Any] = {"heif_brand": info.major_brand, "codec": codec}
    if info.width and info.height:
        found["width"], found["height"] = info.width, info.height
    if info.xmp:
        found["has_xmp"] = True
    return found


def _exif(raw: bytes, result: Extraction) -> dict[str, Any]:
    if not raw:
        return {}
    exif = Image.Exif()
    try:
        with py_warnings.catch_warnings(record=True) as complaints:  # Pillow warns on damaged tags
            py_warnings.simplefilter("always")
            exif.load(raw)
            details = exif.get_ifd(_EXIF_IFD)
            gps = exif.get_ifd(_GPS_IFD)
    except Exception as err:  # Pillow raises struct/value/key errors on damaged Exif
        result.warnings.append(f"unreadable Exif metadata: {err}")
        return {}
    if complaints:
        result.warnings.append(f"damaged Exif metadata: {complaints[0].message}")
    found: dict[str, Any] = {}
    for tag, name in ((_MAKE, "camera_make"), (_MODEL, "camera_model"), (_SOFTWARE, "software")):
        if isinstance(exif.get(tag), str) and exif[tag].strip():
            found[name] = exif[tag].strip("\x00 ")
    if isinstance(details.get(_LENS), str):
        found["lens"] = details[_LENS].strip("\x00 ")
    if isinstance(exif.get(_ORIENTATION), int):
        found["orientation"] = exif[_ORIENTATION]
    taken = details.get(_TAKEN) or exif.get(_DATETIME)
    if isinstance(taken, str) and taken.strip():
        found["taken"] = taken.strip()
        result.date = _exif_time(taken, details.get(_TAKEN_OFFSET))
    position = _gps(gps)
    if position:
        found["gps"] = position
    return found


def _exif_time(value: str, offset: object) -> datetime | None:
    try:
        moment = datetime.strptime(value.strip()[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone: timezone = UTC
    if isinstance(offset, str) and len(offset) >= 6 and offset[0] in "+-":
        with contextlib.suppress(ValueError):
            sign = -1 if offset[0] == "-" else 1
            zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    return moment.replace(tzinfo=zone)


def _gps(gps: dict[int, Any]) -> dict[str, float]:
    def degrees(value: Any, ref: Any, negative: str) -> float | None:
        try:
            d, m, s = (float(part) for part in value)
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        result = d + m / 60 + s / 3600
        return round(-result if ref == negative else result, 6)

    latitude = degrees(gps.get(2), gps.get(1), "S")
    longitude = degrees(gps.get(4), gps.get(3), "W")
    if latitude is None or longitude is None:
        return {}
    found = {"latitude": latitude, "longitude": longitude}
    with contextlib.suppress(TypeError, ValueError, ZeroDivisionError):
        if gps.get(6) is not None:
            below = gps.get(5) in (b"\x01", 1)
            found["altitude"] = round(-float(gps[6]) if below else float(gps[6]), 2)
    return found


def _summary(metadata: dict[str, Any]) -> str:
    """One line a search can find: what, camera, when, where."""
    parts = [f"HEIF photo ({metadata['codec']})"]
    if "width" in metadata:
        parts.append(f"{metadata['width']} × {metadata['height']}")
    make, model = metadata.get("camera_make", ""), metadata.get("camera_model", "")
    camera = model if make and model.lower().startswith(make.lower()) else f"{make} {model}".strip()
    if camera:
        parts.append(camera)
    if "taken" in metadata:
        parts.append(metadata["taken"])
    if "gps" in metadata:
        parts.append(f"GPS {metadata['gps']['latitude']}, {metadata['gps']['longitude']}")
    return " · ".join(parts)
