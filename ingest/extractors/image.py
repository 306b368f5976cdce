"""Raster images: every frame OCRed into one page (multi-page TIFF, animated GIF...).

Frames are decoded one after another and read by `ocr_images`, one tesseract
per core, so a multi-page TIFF uses every core.
"""

from __future__ import annotations

import warnings as py_warnings
from collections.abc import Iterator

from PIL import Image, ImageSequence, UnidentifiedImageError

from core.document import Page
from ingest.errors import CorruptDocument, LimitExceeded
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.ocr import ocr_images
from nlp.fields import PageWords

__all__ = ["ImageExtractor"]


class ImageExtractor(Extractor):
    """One page per frame, each read by OCR (or left empty with a warning when OCR is off)."""

    MIME_TYPES = (
        "image/tiff",
        "image/jpeg",
        "image/png",
        "image/jp2",
        "image/webp",
        "image/gif",
        "image/bmp",
    )
    EXTENSIONS = (".tif", ".tiff", ".jpg", ".jpeg", ".png", ".jp2", ".j2k", ".webp", ".gif", ".bmp")

    def extract(self, source: Source) -> Extraction:
        result = Extraction()
        try:
            with py_warnings.catch_warnings():
                # Pillow warns above ~89 Mpx and raises above twice that: both are a limit to us
                py_warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(source.path) as image:
                    result.metadata.update(_describe(image))
                    frames = (frame.copy() for frame in ImageSequence.Iterator(image))
                    result.pages += self._read(frames, source, result)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
            raise LimitExceeded(f"image too large to decode: {err}") from err
        except UnidentifiedImageError as err:
            raise CorruptDocument("not a readable image") from err
        except (OSError, SyntaxError, ValueError) as err:  # Pillow's decoders raise these on bad data
            raise CorruptDocument(f"image data is damaged: {err}") from err
        result.metadata["pages"] = len(result.pages)
        return result

    def _read(self, frames: Iterator[Image.Image], source: Source, result: Extraction) -> list[Page]:
        settings = source.settings
        if not settings.ocr_enabled:
            pages = [Page(number, "") for number, _ in enumerate(frames, start=1)]
            if pages:
                result.warnings.append("OCR is disabled: the image text was not read")
            return pages
        sizes: list[tuple[int, int]] = []

        def sized(frames: Iterator[Image.Image]) -> Iterator[Image.Image]:
            for frame in frames:
                sizes.append(frame.size)
                yield frame

        read: list[Page] = []
        found = ocr_images(sized(frames), settings.ocr_languages, settings.worker_concurrency)
        for number, ocr in enumerate(found, start=1):
            read.append(Page(number, ocr.text, ocr=True, confidence=ocr.confidence))
            width, height = sizes[number - 1]
            result.layouts[number] = PageWords(number, width, height, ocr.words)
        return read


def _describe(image: Image.Image) -> dict[str, object]:
    info: dict[str, object] = {"width": image.width, "height": image.height, "mode": image.mode}
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and len(dpi) == 2:
        info["dpi"] = [float(dpi[0]), float(dpi[1])]
    return info
