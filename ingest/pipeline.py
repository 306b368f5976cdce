"""Turn one job into its tree of documents: the root file, attachments and members.

Runs inside an extraction child process (see ``worker.py``): it reads the
original from the archive, detects its type by content, extracts it, stores
every child's bytes in the archive and extracts those too, depth-limited.
A child that cannot be read becomes a quarantine entry; the parent is still
indexed. A root that cannot be read makes the whole job fail with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.archive import Archive
from core.catalog import JobSpec, QuarantineEntry, utcnow
from core.document import Document, child_id
from core.settings import Settings
from ingest.detect import detect_mime
from ingest.errors import IngestError, LimitExceeded, Unfinished
from ingest.extractors.base import Extraction, Source
from ingest.key_fields import add_key_fields
from ingest.router import extract
from ingest.sanitize import clean_document
from ingest.threading import thread_id

__all__ = ["JobOutcome", "extract_job", "safe_filename"]

# A header that says year 3609 (seen in real mail) is a typo, not a date to sort by.
_PLAUSIBLE_YEARS = (1900, 2200)


@dataclass
class JobOutcome:
    """What extraction produced for one job; `error` is (code, reason) when the root failed."""

    mime_type: str = ""
    documents: list[Document] = field(default_factory=list)
    quarantined: list[QuarantineEntry] = field(default_factory=list)
    error: tuple[str, str] | None = None
    retryable: bool = False
    # A long scan paused at a checkpoint (`ingest.checkpoint`): queue the job again to go on.
    resume: str = ""


def safe_filename(name: str) -> str:
    """The last path component, without control characters; never empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return cleaned[:255] or "unnamed"


class _TreeBuilder:
    def __init__(self, job: JobSpec, settings: Settings) -> None:
        self.job = job
        self.settings = settings
        self.archive = Archive(settings.archive_dir)
        self.now = utcnow()
        self.outcome = JobOutcome()
        self.budget = settings.max_children * 10  # documents per job, across all levels

    def build(self) -> JobOutcome:
        path = self.archive.path_for(self.job.sha256)
        data = path.read_bytes()
        mime = detect_mime(data, self.job.filename)
        self.outcome.mime_type = mime
        source = Source(
            path=path, filename=safe_filename(self.job.filename), mime_type=mime, settings=self.settings
        )
        try:
            extraction = extract(source)
        except IngestError as err:
            self.outcome.error = (err.code, err.reason)
            return self.outcome
        doc_id = self.job.document_id  # a source's own copy has an id of its own
        root = self._document(doc_id, doc_id, None, 0, source, len(data), extraction)
        self.outcome.documents.append(root)
        self._children(root, extraction)
        return self.outcome

    def _document(
        self,
        doc_id: str,
        root: str,
        parent: Document | None,
        depth: int,
        source: Source,
        size: int,
        extraction: Extraction,
    ) -> Document:
        warnings = list(extraction.warnings)
        date = extraction.date
        if date is not None and not _PLAUSIBLE_YEARS[0] <= date.year <= _PLAUSIBLE_YEARS[1]:
            warnings.append(f"implausible date {date.isoformat()} ignored")
            date = None
        doc = Document(
            id=doc_id,
            sha256=source.path.name,  # archived blobs are named by their SHA-256
            filename=source.filename,
            mime_type=source.mime_type,
            size=size,
            source=self.job.source,
            root_id=root,
            parent_id=parent.id if parent else None,
            depth=depth,
            title=extraction.title or source.filename,
            pages=extraction.pages,
            date=date or (parent.date if parent else None),
            ingested_at=self.now,
            email=extraction.email,
            metadata=dict(extraction.metadata),
            warnings=warnings,
        )
        doc.thread_id = (thread_id(extraction.email) if extraction.email else None) or (
            parent.thread_id if parent else None
        )
        if parent is None and self.job.source_path:
            doc.metadata.setdefault("source_path", self.job.source_path)
        add_key_fields(doc, extraction)
        return clean_document(doc)

    def _children(self, parent: Document, extraction: Extraction) -> None:
        for name, reason in extraction.skipped:  # on record, like any member that was not read
            self.outcome.quarantined.append(
                QuarantineEntry("", safe_filename(name), "inode/symlink", "skipped_member", reason, parent.id)
            )
        child_ids: list[str] = []
        for child in extraction.children:
            name = safe_filename(child.filename)
            sha = self.archive.store_bytes(child.data)
            mime = detect_mime(child.data, name)
            if mime == "application/octet-stream" and child.mime_hint:
                mime = child.mime_hint
            depth = parent.depth + 1
            self.budget -= 1
            try:
                if depth > self.settings.max_depth:
                    raise LimitExceeded(f"nested deeper than {self.settings.max_depth} levels")
                if self.budget < 0:
                    raise LimitExceeded("too many attachments or members in one file")
                source = Source(
                    path=self.archive.path_for(sha),
                    filename=name,
                    mime_type=mime,
                    settings=self.settings,
                    depth=depth,
                )
                sub = extract(source)
            except IngestError as err:
                self.outcome.quarantined.append(
                    QuarantineEntry(sha, name, mime, err.code, err.reason, parent_id=parent.id)
                )
                continue
            doc = self._document(
                child_id(parent.id, child.position),
                parent.root_id,
                parent,
                depth,
                source,
                len(child.data),
                sub,
            )
            doc.metadata.update(child.metadata)
            doc.metadata["position"] = child.position
            clean_document(doc)
            self.outcome.documents.append(doc)
            child_ids.append(doc.id)
            self._children(doc, sub)
        if child_ids:
            parent.metadata["children"] = child_ids


def extract_job(job: JobSpec, settings: Settings) -> JobOutcome:
    """Extract a job's whole tree (called in a child process)."""
    builder = _TreeBuilder(job, settings)
    try:
        return builder.build()
    except Unfinished as paused:  # the root or a member paused: nothing is recorded this turn
        return JobOutcome(mime_type=builder.outcome.mime_type, resume=str(paused) or "to be continued")
