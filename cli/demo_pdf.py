"""A one-page text PDF with an Info dictionary, for the demo letters.

Letters that arrive by post reach the archive as PDFs, and only a PDF carries its
own date (``/CreationDate``) for a text letter. The demo needs a few, with no PDF
writing library among the dependencies (pypdfium2 cannot set Info entries), so
this writes the handful of objects such a file needs: Helvetica, WinAnsi text,
lines wrapped at `WRAP` characters.
"""

from __future__ import annotations

import textwrap
from datetime import datetime

__all__ = ["WRAP", "text_pdf"]

WRAP = 92
_LEADING = 14
_TOP = 800
_MAX_LINES = 54


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pdf_date(moment: datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return moment.strftime("D:%Y%m%d%H%M%SZ")
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def text_pdf(text: str, *, title: str, created: datetime, subject: str = "") -> bytes:
    """The bytes of a one-page A4 PDF showing `text` (longer text is cut at `_MAX_LINES`)."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        lines.extend(textwrap.wrap(paragraph, WRAP) or [""])
    stream = b"BT /F1 11 Tf %d TL 56 %d Td\n" % (_LEADING, _TOP)
    for line in lines[:_MAX_LINES]:
        stream += b"(" + _escape(line) + b") Tj T*\n"
    stream += b"ET"
    info = (
        b"<< /Title (" + _escape(title) + b") /Subject (" + _escape(subject) + b")"
        b" /Producer (Faldone demo) /CreationDate (" + _pdf_date(created).encode() + b") >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
