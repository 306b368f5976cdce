"""Type detection by content: libmagic first, then our own refinements.

The extension is never trusted on its own; it only breaks ties where the bytes
fit two types equally well (plain text or CSV, a one-message mbox or an .eml,
an unreadable zip that was meant to be a .docx).

=============================================================  ===========================================
returned MIME type                                             recognised by
=============================================================  ===========================================
application/pdf                                                ``%PDF-`` within the first 1 KiB
message/rfc822                                                 an RFC 822 header block (any header first)
application/x-apple-emlx                                       a byte count line, then an RFC 822 message
application/mbox                                               ``From `` line, then headers
application/vnd.ms-outlook                                     OLE with ``__substg1.0_`` streams (.msg)
application/msword / vnd.ms-excel / vnd.ms-powerpoint          OLE with WordDocument / Workbook / PowerPoint
application/vnd.openxmlformats-officedocument.*                zip with ``word/`` ``xl/`` ``ppt/`` parts
application/vnd.ms-excel.sheet.binary.macroenabled.12          zip with ``xl/workbook.bin`` (.xlsb)
application/vnd.ms-xpsdocument                                 zip with a ``.fdseq`` part (XPS, OpenXPS)
application/vnd.apple.keynote / pages / numbers                zip with index.xml, index.apxl or .iwa parts
application/vnd.oasis.opendocument.text/spreadsheet/...        zip whose ``mimetype`` member says so
application/rtf                                                ``{\\rtf``
application/zip, x-tar, gzip, x-7z-compressed, vnd.rar         archive signatures (libmagic)
image/tiff, jpeg, png, jp2, webp, gif, bmp, svg+xml            image signatures (libmagic)
text/calendar, text/vcard                                      ``BEGIN:VCALENDAR`` / ``BEGIN:VCARD``
application/json, application/xml, text/html                   text that parses as such (libmagic + root)
application/pkcs7-mime                                         CMS SignedData, DER or base64 (.p7m)
application/timestamped-data                                   CMS TimeStampedData, RFC 5544 (.tsd)
application/vnd.etsi.timestamp-token                           SignedData holding TSTInfo (RFC 3161 .tst)
application/vnd.ms-tnef                                        TNEF signature (winmail.dat)
application/vnd.fatturapa+xml                                  XML whose root is FatturaElettronica*
text/plain, text/csv                                           other text (code, subtitles); .csv picks CSV
application/octet-stream                                       nothing else fits (also empty input)
=============================================================  ===========================================

A zip is opened by its signature even when libmagic does not name it; a file whose
only flaw is trailing NUL padding is sniffed without it. Types outside this table
(DjVu, Access, dBase, Outlook .pst as ``application/vnd.ms-outlook-pst``...) come
back under libmagic's name so that a quarantine record can say what the file was.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
from pathlib import PurePath

import magic
import olefile

__all__ = ["OCTET_STREAM", "detect_mime"]

OCTET_STREAM = "application/octet-stream"

_SNIFF = 1 << 20  # libmagic never needs more than this for the types we route

# libmagic spells some types differently from the names our extractors register.
_ALIASES = {
    "application/x-rar": "application/vnd.rar",
    "application/x-rar-compressed": "application/vnd.rar",
    "application/x-gzip": "application/gzip",
    "image/x-ms-bmp": "image/bmp",
    "image/x-bmp": "image/bmp",
    "text/rtf": "application/rtf",
    "text/xml": "application/xml",
    "application/x-ndjson": "application/json",
    "text/x-vcard": "text/vcard",
    "text/directory": "text/vcard",
    "image/jpx": "image/jp2",
    "application/x-empty": OCTET_STREAM,
    "inode/x-empty": OCTET_STREAM,
    "text/x-mail": "message/rfc822",
}

_OOXML = "application/vnd.openxmlformats-officedocument."
XLSB = "application/vnd.ms-excel.sheet.binary.macroenabled.12"
XPS = "application/vnd.ms-xpsdocument"
_IWORK = {
    ".key": "application/vnd.apple.keynote",
    ".pages": "application/vnd.apple.pages",
    ".numbers": "application/vnd.apple.numbers",
}
IWORK_TYPES = tuple(_IWORK.values())
_OOXML_PARTS = {
    "word/": _OOXML + "wordprocessingml.document",
    "xl/": _OOXML + "spreadsheetml.sheet",
    "ppt/": _OOXML + "presentationml.presentation",
}
_ODF = "application/vnd.oasis.opendocument."
_BY_EXTENSION = {
    ".docx": _OOXML + "wordprocessingml.document",
    ".xlsx": _OOXML + "spreadsheetml.sheet",
    ".pptx": _OOXML + "presentationml.presentation",
    ".odt": _ODF + "text",
    ".ods": _ODF + "spreadsheet",
    ".odp": _ODF + "presentation",
}
_OLE_STREAMS = (
    ("WordDocument", "application/msword"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# OID 1.2.840.113549.1.7.2 (CMS SignedData), DER encoded
_SIGNED_DATA_OID = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"
# OID 1.2.840.113549.1.9.16.1.31 (id-ct-timestampedData, RFC 5544), DER encoded
_TIMESTAMPED_DATA_OID = b"\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x1f"
# OID 1.2.840.113549.1.9.16.1.4 (id-ct-TSTInfo): the signed content of an RFC 3161 token
_TST_INFO_OID = b"\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x04"
_TNEF_MAGIC = b"\x78\x9f\x3e\x22"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# libmagic's names for text it recognises; none needs a reader other than plain text
_TEXT_LIKE = frozenset(
    {"application/x-subrip", "message/news", "application/javascript", "application/x-wine-extension-ini"}
)
# text types some extractor reads as such; any other text/* subtype is read as plain text
_TEXT_READ = frozenset({"text/plain", "text/csv", "text/html", "text/calendar", "text/vcard"})

_HEADER = re.compile(rb"^([!-9;-~]+)[ \t]*:")
_MAIL_HEADERS = frozenset(
    {
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "received", "return-path",
        "delivered-to", "mime-version", "content-type", "reply-to", "in-reply-to", "references",
        "sender", "x-mailer", "dkim-signature", "authentication-results", "x-original-to",
    }
)  # fmt: skip
_MAIL_EXTENSIONS = (".eml", ".msg", ".mht", ".emlx")
_EMLX_COUNT = re.compile(rb"^\s*\d+\s*\r?\n")
_FIRST_LINE = re.compile(rb"\r\n|\r|\n")
# an mbox "From " separator: sender, then an asctime date ("From a@b Mon Jun  1 10:00:00 2009")
_MBOX_FROM = re.compile(rb"^From \S+ +[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d?:\d\d(:\d\d)? ")
# A DOCTYPE may carry an internal subset ([...] with entities): still XML, so a FatturaPA with a
# DTD is recognised as one and refused by its extractor instead of being read as plain text.
_XML_START = re.compile(
    rb"^(<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>\[]*(\[.*?\]\s*)?>\s*)*<([A-Za-z_][\w:.-]*)", re.S
)
_HTML_START = re.compile(rb"^(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.S | re.I)


def detect_mime(data: bytes, filename: str = "") -> str:
    """The MIME type of `data` by content; `filename` only breaks ties."""
    if not data:
        return OCTET_STREAM
    ext = PurePath(filename).suffix.lower()
    head = data[:_SNIFF]
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(_OLE_MAGIC):
        return _ole_type(data, ext)
    if head.startswith(b"!BDN"):
        return "application/vnd.ms-outlook-pst"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head[:1] == b"\x30" and _TIMESTAMPED_DATA_OID in head[:32]:
        return "application/timestamped-data"
    if _is_pkcs7(head):
        if head[:1] == b"\x30" and _TST_INFO_OID in head[:96]:
            return "application/vnd.etsi.timestamp-token"  # a bare RFC 3161 token (.tst)
        return "application/pkcs7-mime"
    if head.startswith(_TNEF_MAGIC):
        return "application/vnd.ms-tnef"
    if head.startswith(_ZIP_MAGIC):
        return _zip_type(data, "application/zip", ext)

    found = _libmagic(head)
    if found == OCTET_STREAM and head.endswith(b"\x00") and head.rstrip(b"\x00"):
        # NUL padding (seen after real e-mail and text) hides the text from libmagic
        head = head.rstrip(b"\x00")
        found = _libmagic(head)
    if found == "application/zip" or found.startswith((_OOXML, _ODF)):
        return _zip_type(data, found, ext)
    if (
        found.startswith("text/")
        or found in _TEXT_LIKE
        or found in ("application/json", "application/xml", "message/rfc822")
    ):
        return _text_type(head, found, ext)
    return found


def _libmagic(head: bytes) -> str:
    found = magic.from_buffer(head, mime=True)
    return _ALIASES.get(found, found)


def _ole_type(data: bytes, ext: str) -> str:
    try:
        with olefile.OleFileIO(data) as ole:
            names = ["/".join(entry) for entry in ole.listdir(streams=True, storages=True)]
    except Exception:  # a damaged directory still says "OLE"; let the extractor report it
        names = []
    if any(name.split("/")[-1].startswith("__substg1.0_") for name in names):
        return "application/vnd.ms-outlook"
    if "EncryptedPackage" in names:
        # a password-protected docx/xlsx/pptx is an OLE envelope; its extension says which
        return _BY_EXTENSION.get(ext, OCTET_STREAM)
    for stream, mime in _OLE_STREAMS:
        if stream in names:
            return mime
    return {
        ".msg": "application/vnd.ms-outlook",
        ".doc": "application/msword",
        ".xls": "application/vnd.ms-excel",
        ".ppt": "application/vnd.ms-powerpoint",
    }.get(ext, "application/x-ole-storage")


def _zip_type(data: bytes, found: str, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared.startswith(_ODF):
                    return declared
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # the central directory is unreadable: trust libmagic's look at the first
        # member, and the extension only for the office formats it cannot tell apart
        if found != "application/zip":
            return found
        return _BY_EXTENSION.get(ext, found)
    if "xl/workbook.bin" in names:
        return XLSB
    if any(name.endswith(".fdseq") for name in names):
        return XPS
    iwork = _iwork_type(names, ext)
    if iwork:
        return iwork
    if "[Content_Types].xml" in names:
        for prefix, mime in _OOXML_PARTS.items():
            if any(name.startswith(prefix) for name in names):
                return mime
    return "application/zip"


def _iwork_type(names: list[str], ext: str) -> str:
    """Apple iWork: '09 packages hold index.xml / index.apxl, 2013+ ones .iwa protobuf streams."""
    leaves = {name.rsplit("/", 1)[-1] for name in names}
    if "index.apxl" in leaves or "index.apxl.gz" in leaves:
        return _IWORK[".key"]
    if not ({"index.xml", "index.xml.gz", "Index.zip", "Document.iwa"} & leaves):
        return ""
    if not any(
        name.endswith("buildVersionHistory.plist")
        or name.lower().endswith(".iwa")
        or name.endswith("Index.zip")
        for name in names
    ):
        return ""
    return _IWORK.get(
        ext, "application/vnd.apple.pages" if "index.xml" in leaves else "application/vnd.apple.keynote"
    )


def _text_type(head: bytes, found: str, ext: str) -> str:
    text = _as_ascii_view(head)
    stripped = text.lstrip()
    if _EMLX_COUNT.match(text) and _is_rfc822(_EMLX_COUNT.sub(b"", text, count=1), ext):
        return "application/x-apple-emlx"
    if text.startswith(b"From ") and _is_rfc822(_FIRST_LINE.split(text, 1)[-1], ext):
        # a single message with an mbox "From " line is still an .eml if it is named so
        if ext in (".eml", ".msg") and not re.search(rb"(\n|\r)\r?\n?From ", text[5:]):
            return "message/rfc822"
        return "application/mbox"
    if (
        _MBOX_FROM.match(text)
        and len(re.findall(rb"(?:^|\n)From ", text)) >= 1
        and ext not in (".eml", ".msg")
    ):
        return "application/mbox"  # messages whose headers are few or missing, still split on "From "
    upper = stripped[:32].upper()
    if upper.startswith(b"BEGIN:VCALENDAR"):
        return "text/calendar"
    if upper.startswith(b"BEGIN:VCARD"):
        return "text/vcard"
    if _is_rfc822(text, ext):
        return "message/rfc822"
    if _HTML_START.match(stripped):
        return "text/html"
    if found in ("text/html", "image/svg+xml", "application/json"):
        return found
    xml = _XML_START.match(stripped)
    if xml:
        root = xml.group(3).split(b":")[-1].lower()
        if root == b"svg":
            return "image/svg+xml"
        if root == b"html":
            return "text/html"
        if root.startswith(b"fatturaelettronica"):  # FatturaPA e-invoice, any namespace prefix
            return "application/vnd.fatturapa+xml"
        return "application/xml"
    if found == "message/rfc822":
        return "text/plain"  # libmagic saw a header name, our stricter check did not
    if found in ("text/plain", "text/csv"):
        if ext in (".csv", ".tsv"):
            return "text/csv"
        if ext == ".txt":
            return "text/plain"
        return found
    return found if found in _TEXT_READ else "text/plain"


def _as_ascii_view(head: bytes) -> bytes:
    """UTF-16/UTF-8 BOMs removed, so the sniffers below can match ASCII bytes."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(codec, "replace").encode("utf-8", "replace")
    return head.removeprefix(b"\xef\xbb\xbf")


def _is_rfc822(text: bytes, ext: str) -> bool:
    """True when `text` opens with a block of header fields, enough of them mail headers."""
    names: list[str] = []
    broken = 0
    for line in text.splitlines()[:200]:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t") and names:
            continue
        match = _HEADER.match(line)
        if match:
            names.append(match.group(1).decode("ascii").lower())
            continue
        broken += 1  # real mail carries a broken header line now and then
        if not names or broken > 1:
            break
    known = sum(name in _MAIL_HEADERS or name.startswith("resent-") for name in names)
    if broken:
        return broken == 1 and known >= 3
    # one lone "Subject:" line is mail only if the file is named as mail
    return known >= 2 or (known == 1 and ext in _MAIL_EXTENSIONS)


def _is_pkcs7(head: bytes) -> bool:
    if head[:1] == b"\x30" and _SIGNED_DATA_OID in head[:64]:
        return True
    if head.startswith(b"-----BEGIN PKCS7-----") or head.startswith(b"-----BEGIN CMS-----"):
        return True
    if head.startswith(b"MI"):  # base64 of a DER/BER SEQUENCE (0x30 0x8x)
        prefix = re.sub(rb"\s", b"", head[:400])[:256]
        try:
            der = base64.b64decode(prefix[: len(prefix) // 4 * 4], validate=True)
        except (binascii.Error, ValueError):
            return False
        return der[:1] == b"\x30" and _SIGNED_DATA_OID in der[:64]
    return False
