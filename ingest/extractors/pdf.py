"""PDF: the text layer per page with pypdfium2, OCR for the pages that need it.

A page is OCRed when its text layer is unusable (see `needs_ocr`): fewer than
50 characters, mostly image with fewer than 500 characters, or more than 10%
of its characters U+FFFD, private-use or control code points (a font without
a usable Unicode map). Such a page is rendered at 300 dpi; the OCR text replaces the
layer only when it reads more. A good text layer is never OCRed.

A zero-byte file never gets here (the router raises `EmptyDocument`); a PDF
whose pages are all blank comes back as blank pages, which is what it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from core.document import Page
from ingest.errors import CorruptDocument, EncryptedDocument
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.ocr import ocr_image

__all__ = ["PdfExtractor", "needs_ocr", "parse_pdf_date"]

_MIN_CHARS = 50
_IMAGE_PAGE_MAX_CHARS = 500
_IMAGE_PAGE_COVERAGE = 0.5
_MAX_BAD_SHARE = 0.10
_DPI = 300
_MAX_RENDER_PIXELS = 10_000  # longest side: a poster-sized page must not exhaust memory
_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?")


def needs_ocr(text: str, image_coverage: float) -> bool:
    """True when a page's text layer cannot be trusted to hold its words."""
    chars = [char for char in text if not char.isspace()]
    if len(chars) < _MIN_CHARS:
        return True
    if image_coverage >= _IMAGE_PAGE_COVERAGE and len(chars) < _IMAGE_PAGE_MAX_CHARS:
        return True
    bad = sum(_is_garbage(char) for char in chars)
    return bad / len(chars) > _MAX_BAD_SHARE


def _is_garbage(char: str) -> bool:
    # control characters come from fonts that map glyph ids straight to code points
    return char == "\ufffd" or "\ue000" <= char <= "\uf8ff" or unicodedata.category(char) == "Cc"


class PdfExtractor(Extractor):
    """Text per page, title/author/creation date; OCR where the text layer fails."""

    MIME_TYPES = ("application/pdf",)
    EXTENSIONS = (".pdf",)

    def extract(self, source: Source) -> Extraction:
        try:
            pdf = pdfium.PdfDocument(source.path)
        except pdfium.PdfiumError as err:
            if getattr(err, "err_code", None) == _PASSWORD_ERROR:
                raise EncryptedDocument("password-protected PDF") from err
            raise CorruptDocument(f"not a readable PDF: {err}") from err
        try:
            result = Extraction()
            _read_metadata(pdf, result)
            for index in range(len(pdf)):
                result.pages.append(self._page(pdf, index, source, result.warnings))
            return result
        finally:
            pdf.close()

    def _page(self, pdf: pdfium.PdfDocument, index: int, source: Source, warnings: list[str]) -> Page:
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            text = textpage.get_text_bounded().replace("\r\n", "\n").replace("\xa0", " ")
            textpage.close()
            if not needs_ocr(text, _image_coverage(page)):
                return Page(index + 1, text)
            if not source.settings.ocr_enabled:
                warnings.append(f"page {index + 1} has no usable text layer and OCR is disabled")
                return Page(index + 1, text)
            width, height = page.get_size()
            scale = min(_DPI / 72, _MAX_RENDER_PIXELS / max(width, height, 1.0))
            image = page.render(scale=scale).to_pil()
            ocr = ocr_image(image, source.settings.ocr_languages)
            if len(ocr.text.strip()) < len(text.strip()):
                return Page(index + 1, text)
            return Page(index + 1, ocr.text, ocr=True, confidence=ocr.confidence)
        finally:
            page.close()


def _image_coverage(page: pdfium.PdfPage) -> float:
    """Share of the page area under image objects (overlaps counted twice, capped at 1)."""
    width, height = page.get_size()
    if width <= 0 or height <= 0:
        return 0.0
    covered = 0.0
    images: Iterable[pdfium.PdfObject] = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))
    for image in images:
        left, bottom, right, top = image.get_bounds()
        left, right = max(0.0, left), min(width, right)
        bottom, top = max(0.0, bottom), min(height, top)
        if right > left and top > bottom:
            covered += (right - left) * (top - bottom)
    return min(1.0, covered / float(width * height))


def _read_metadata(pdf: pdfium.PdfDocument, result: Extraction) -> None:
    info = pdf.get_metadata_dict(skip_empty=True)
    result.title = info.get("Title", "").strip()
    if info.get("Author"):
        result.metadata["author"] = info["Author"].strip()
    for key in ("Subject", "Keywords", "Creator", "Producer"):
        if info.get(key):
            result.metadata[key.lower()] = info[key].strip()
    result.date = parse_pdf_date(info.get("CreationDate", ""))
    result.metadata["pages"] = len(pdf)


def parse_pdf_date(value: str) -> datetime | None:
    """``D:YYYYMMDDHHmmSS+HH'mm'`` to a datetime (naive when the zone is missing)."""
    match = _PDF_DATE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, tz_hours, tz_minutes = match.groups()
    zone = None
    if sign in ("Z", "z"):
        zone = UTC
    elif sign in ("+", "-"):
        offset = timedelta(hours=int(tz_hours or 0), minutes=int(tz_minutes or 0))
        zone = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(
            int(year), int(month or 1), int(day or 1),
            int(hour or 0), int(minute or 0), int(second or 0), tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        return None
