"""Run the right extractor on a file and turn every failure into an `IngestError`.

Library exceptions (a parser choking on bad bytes) become `CorruptDocument`
with a readable reason; our own errors pass through unchanged. `OcrUnavailable`
also passes through: a missing tesseract is the machine's fault, and the worker
must retry the job elsewhere rather than quarantine a good file. `Unfinished` (a
long scan paused at a checkpoint) is no failure and passes through too.
"""

from __future__ import annotations

from ingest.errors import CorruptDocument, EmptyDocument, IngestError, Unfinished
from ingest.extractors.base import Extraction, Source
from ingest.extractors.registry import extractor_for
from ingest.ocr import OcrUnavailable

__all__ = ["extract"]


def extract(source: Source) -> Extraction:
    """Extract `source` with the extractor registered for its MIME type."""
    if source.size == 0:
        raise EmptyDocument(f"{source.filename or 'file'} is empty (0 bytes)")
    extractor = extractor_for(source.mime_type, source.filename)
    try:
        return extractor.extract(source)
    except (IngestError, OcrUnavailable, Unfinished):
        raise
    except MemoryError:
        raise
    except Exception as err:
        name = type(extractor).__name__
        raise CorruptDocument(f"{name} could not read {source.mime_type}: {_describe(err)}") from err


def _describe(err: BaseException) -> str:
    message = str(err).strip() or type(err).__name__
    return message if len(message) <= 300 else message[:297] + "..."
