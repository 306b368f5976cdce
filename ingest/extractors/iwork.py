"""Apple iWork documents: Keynote (``.key``), Pages (``.pages``), Numbers (``.numbers``).

- iWork '09 packages hold their content as XML (``index.xml``, Keynote ``index.apxl``,
  either possibly gzipped): every paragraph (``sf:p``) and text cell (``sf:ct``) is read.
- iWork 2013+ packages hold Snappy-compressed protobuf streams (``.iwa``, possibly
  inside ``Index.zip``); their text is read structurally (see `_iwa`), master slides
  and style sheets left out, and ``metadata["text_source"]`` says it was a best effort.

Neither kind becomes a zip of children: thumbnails, previews and ``.iwa`` streams are
parts of the one document, not documents of their own.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from typing import ClassVar

from defusedxml import ElementTree as SafeET

from core.document import Page
from ingest.detect import IWORK_TYPES
from ingest.errors import CorruptDocument, EmptyDocument, EncryptedDocument, LimitExceeded
from ingest.extractors._iwa import iwa_strings
from ingest.extractors.base import Extraction, Extractor, Source

__all__ = ["IworkExtractor"]

_MB = 1 << 20
_XML_NAMES = ("index.xml", "index.xml.gz", "index.apxl", "index.apxl.gz")
# .iwa streams that hold templates and styles, not what the author wrote
_SKIPPED_IWA = (
    "MasterSlide",
    "DocumentStylesheet",
    "ThemeStylesheet",
    "Metadata",
    "ViewState",
    "CalculationEngine",
)


class IworkExtractor(Extractor):
    """The text of an iWork package, one page."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = IWORK_TYPES
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".key", ".pages", ".numbers")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        budget = source.settings.max_expanded_mb * _MB
        try:
            with zipfile.ZipFile(source.path) as package:
                names = package.namelist()
                if any(name.endswith(".iwpv") or name.endswith("/.iwph") for name in names):
                    raise EncryptedDocument("the iWork document is protected by a password")
                xml_name = next((n for n in names if n.rsplit("/", 1)[-1] in _XML_NAMES), None)
                if xml_name is not None:
                    text = _xml_text(_read(package, xml_name, budget))
                    return _result(source, text, "index.xml")
                lines = list(_iwa_lines(package, budget))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
            raise CorruptDocument(f"broken iWork package: {err}") from err
        if not lines and not any(n.endswith(".iwa") or n.endswith("Index.zip") for n in names):
            raise EmptyDocument("the iWork package holds neither index.xml nor .iwa streams")
        result = _result(source, "\n".join(lines), "iwa (best effort)")
        return result


def _result(source: Source, text: str, origin: str) -> Extraction:
    return Extraction(pages=[Page(1, text)], title=source.filename, metadata={"text_source": origin})


def _read(package: zipfile.ZipFile, name: str, budget: int) -> bytes:
    if package.getinfo(name).file_size > budget:
        raise LimitExceeded(f"{name} expands to more than {budget // _MB} MB")
    data = package.read(name)
    if name.endswith(".gz"):
        with gzip.open(io.BytesIO(data)) as stream:
            data = stream.read(budget + 1)
        if len(data) > budget:
            raise LimitExceeded(f"{name} expands to more than {budget // _MB} MB")
    return data


def _xml_text(data: bytes) -> str:
    try:
        root = SafeET.fromstring(data)
    except Exception as err:  # ParseError, or defusedxml refusing entities
        raise CorruptDocument(f"unreadable iWork XML: {err}") from err
    lines: list[str] = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag == "p":
            text = "".join(element.itertext()).strip()
            if text:
                lines.append(text)
        elif tag == "ct":
            for key, value in element.attrib.items():
                if key.rsplit("}", 1)[-1] == "s" and value.strip():
                    lines.append(value.strip())
    return "\n".join(lines)


def _iwa_lines(package: zipfile.ZipFile, budget: int) -> Iterator[str]:
    for name in package.namelist():
        leaf = name.rsplit("/", 1)[-1]
        if leaf == "Index.zip":
            with zipfile.ZipFile(io.BytesIO(_read(package, name, budget))) as inner:
                yield from _iwa_lines(inner, budget)
        elif leaf.endswith(".iwa") and not leaf.startswith(_SKIPPED_IWA):
            yield from iwa_strings(_read(package, name, budget))
