"""A many-page scanned PDF built from one real scanned page (for fairness tests and bench).

Every page shows the same image XObject, stored once, so a 2,000-page scan
stays a few hundred KB, like the one of the report. Nothing is copied into the
project: the page comes from ../shared/corpus at run time.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from PIL import Image

__all__ = ["scanned_pdf"]


def scanned_pdf(page_image: Path, pages: int, tag: str = "") -> bytes:
    """A PDF of `pages` pages, each the image of `page_image` (bi-level) with no text layer."""
    with Image.open(page_image) as opened:
        image = opened.convert("1")
        dpi = float(opened.info.get("dpi", (200, 200))[0] or 200)
    width, height = image.size
    points_w, points_h = width * 72 / dpi, height * 72 / dpi
    pixels = zlib.compress(image.tobytes(), 9)  # mode "1": 1 bit per pixel, 1 = white as in DeviceGray
    drawing = f"q {points_w:.2f} 0 0 {points_h:.2f} 0 0 cm /Im0 Do Q".encode()
    first_page = 5
    kids = " ".join(f"{first_page + i} 0 R" for i in range(pages))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Count {pages} /Kids [{kids}] >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
        f"/BitsPerComponent 1 /Filter /FlateDecode /Length {len(pixels)} >>\nstream\n".encode()
        + pixels
        + b"\nendstream",
        f"<< /Length {len(drawing)} >>\nstream\n".encode() + drawing + b"\nendstream",
    ]
    page = (
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {points_w:.2f} {points_h:.2f}] "
        "/Resources << /XObject << /Im0 3 0 R >> >> /Contents 4 0 R >>"
    ).encode()
    objects += [page] * pages
    objects.append(f"<< /Title ({tag or 'scan'} {pages} pages) /Producer (faldone tests) >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
