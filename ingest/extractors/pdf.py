"""PDF: the text layer per page with pypdfium2, OCR for the pages that need it.

A page is OCRed when its text layer is unusable (see `needs_ocr`): fewer than
50 characters, mostly image with fewer than 500 characters, or more than 10%
of its characters U+FFFD, private-use or control code points (a font without
a usable Unicode map). Such a page is rendered at 300 dpi (grayscale); the OCR
text replaces the layer only when it reads more. A good text layer is never OCRed,
and neither is a short page that holds no image and little vector art (a blank
page, "Hello, World!" and a frame): OCR could only read its text layer again.

The pages that need OCR are rendered one after another in this thread (pdfium
is not thread-safe) and read by `ocr_images`, one tesseract per core, so a
many-page scan uses every core.

A long scan (more pages to OCR than ``ocr_pages_per_turn``) is read in turns on one
core, with a checkpoint after each (`ingest.checkpoint`): it gives its slot back
between turns, so it cannot hold a slot, or every core, for its whole length.

A zero-byte file never gets here (the router raises `EmptyDocument`); a PDF
whose pages are all blank comes back as blank pages, which is what it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from core.document import Page
from ingest.checkpoint import PageCheckpoint
from ingest.errors import CorruptDocument, EncryptedDocument, Unfinished
from ingest.extractors.base import Extraction, Extractor, Source
from ingest.ocr import ocr_images
from nlp.fields import PageWords

__all__ = ["PdfExtractor", "needs_ocr", "parse_pdf_date"]

_MIN_CHARS = 50
_IMAGE_PAGE_MAX_CHARS = 500
_IMAGE_PAGE_COVERAGE = 0.5
_MAX_BAD_SHARE = 0.10
_DPI = 300
_MAX_RENDER_PIXELS = 10_000  # longest side: a poster-sized page must not exhaust memory
_VECTOR_TEXT_PATHS = 50  # more path objects than this may be text drawn as outlines
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
            settings, sha = source.settings, source.path.name
            saved = PageCheckpoint.load(settings, sha) if settings.ocr_enabled else None
            if saved is not None:  # a later turn of a long scan: the text layer was read already
                result.pages, scans = saved.pages, saved.remaining
            else:
                scans = []
                for index in range(len(pdf)):
                    page, wants_ocr = self._text_page(pdf, index)
                    result.pages.append(page)
                    if wants_ocr:
                        scans.append(index)
            turn = max(1, settings.ocr_pages_per_turn)
            if scans and not settings.ocr_enabled:
                result.warnings += [
                    f"page {i + 1} has no usable text layer and OCR is disabled" for i in scans
                ]
            elif saved is not None or len(scans) > turn:  # a long scan: one turn, then give the slot back
                now, later = scans[:turn], scans[turn:]
                self._ocr(
                    pdf, now, source, result.pages, result.layouts, workers=1
                )  # one core: others are waiting
                if later:
                    PageCheckpoint(result.pages, later).save(settings, sha)
                    raise Unfinished(f"{len(later)} of {len(pdf)} pages still to read")
                PageCheckpoint.remove(settings, sha)
            elif scans:
                self._ocr(
                    pdf, scans, source, result.pages, result.layouts, workers=settings.worker_concurrency
                )
            return result
        finally:
            pdf.close()

    def _text_page(self, pdf: pdfium.PdfDocument, index: int) -> tuple[Page, bool]:
        """The page's text layer, and whether OCR could read more."""
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            text = textpage.get_text_bounded().replace("\r\n", "\n").replace("\xa0", " ")
            textpage.close()
            wants_ocr = needs_ocr(text, _image_coverage(page)) and not _only_text(page, text)
            return Page(index + 1, text), wants_ocr
        finally:
            page.close()

    def _ocr(
        self,
        pdf: pdfium.PdfDocument,
        scans: list[int],
        source: Source,
        pages: list[Page],
        layouts: dict[int, PageWords] | None = None,
        *,
        workers: int,
    ) -> None:
        settings = source.settings
        sizes: dict[int, tuple[int, int]] = {}

        def rendered() -> Iterator[Image.Image]:
            for index in scans:
                image = _render(pdf, index)
                sizes[index] = image.size
                yield image

        results = ocr_images(rendered(), settings.ocr_languages, workers)
        for index, ocr in zip(scans, results, strict=True):
            if len(ocr.text.strip()) >= len(pages[index].text.strip()):
                pages[index] = Page(index + 1, ocr.text, ocr=True, confidence=ocr.confidence)
                if layouts is not None:
                    layouts[index + 1] = PageWords(index + 1, *sizes[index], ocr.words)


def _render(pdf: pdfium.PdfDocument, index: int) -> Image.Image:
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = min(_DPI / 72, _MAX_RENDER_PIXELS / max(width, height, 1.0))
        image: Image.Image = page.render(scale=scale, grayscale=True).to_pil()
        return image.copy()  # detached from pdfium's bitmap buffer
    finally:
        page.close()


def _only_text(page: pdfium.PdfPage, text: str) -> bool:
    """No image, little vector art and a clean text layer: nothing for OCR to find."""
    chars = [char for char in text if not char.isspace()]
    if chars and sum(_is_garbage(char) for char in chars) / len(chars) > _MAX_BAD_SHARE:
        return False
    paths = 0
    for obj in page.get_objects():
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return False
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths > _VECTOR_TEXT_PATHS:
                return False
    return True


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
