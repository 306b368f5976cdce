"""Retention policies, the deletion of document families, and the index deletion queue.

A policy keeps documents of a category and/or a source for a period counted from
the document date (or from ingestion when a document has no date): "invoices 10
years from document date", "newsletters 1 year". A family (a top-level document
with its attachments and members) is judged by its top-level document. When
several policies match, the longest wins; a document no policy matches is kept.

Deleting a family (retention or `DELETE /api/documents/{id}`) refuses when any
active legal hold covers it (`DocumentHeld` names the matters). It removes the
catalog rows, the jobs of the original (so the same file can be ingested again),
the archive blobs that no remaining document needs, and queues the ids in the
`deletions` table for the index: the embedded index has one writer, the worker,
which calls `process_deletions(catalog, backend)` in its loop (the command line
applies them at once when no worker holds the writer). The API never opens the
index writer: until the worker catches up, searches leave the queued ids out.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, select, true

from core.clock import utcnow
from core.models import (
    DeletionRow,
    DocumentRow,
    DocumentSourceRow,
    JobRow,
    QuarantineRow,
    RetentionPolicyRow,
)
from legal.errors import LegalError, Missing, StateConflict

if TYPE_CHECKING:
    from core.archive import Archive
    from core.audit import AuditLog
    from core.catalog import Catalog
    from index.backend import SearchBackend
    from legal.holds import Holds, Matter

__all__ = [
    "DocumentHeld",
    "Retention",
    "RetentionError",
    "RetentionReport",
    "UnknownDocument",
    "delete_family",
    "pending_deletions",
    "process_deletions",
]

BASES = ("date", "ingested_at")


class RetentionError(LegalError):
    """A policy or deletion request that cannot be honoured."""


class DocumentHeld(StateConflict, RetentionError):
    """The family is under legal hold; `matters` names the holds."""

    def __init__(self, root_id: str, matters: list[Matter]) -> None:
        self.root_id = root_id
        self.matters = [m.name for m in matters]
        super().__init__(
            f"document {root_id} is under legal hold: {', '.join(self.matters)}", matters=self.matters
        )


class UnknownDocument(Missing, RetentionError):
    pass


def _policy_dict(row: RetentionPolicyRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "category": row.category,
        "source_pattern": row.source_pattern,
        "years": row.years,
        "months": row.months,
        "days": row.days,
        "basis": row.basis,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }


@dataclass
class Expired:
    root_id: str
    filename: str
    category: str
    source: str
    basis_date: datetime
    expires: datetime
    policy: str
    held_by: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "root_id": self.root_id,
            "filename": self.filename,
            "category": self.category,
            "source": self.source,
            "basis_date": self.basis_date.isoformat(),
            "expires": self.expires.isoformat(),
            "policy": self.policy,
            "held_by": self.held_by,
        }


@dataclass
class RetentionReport:
    as_of: datetime
    examined: int = 0
    expired: list[Expired] = field(default_factory=list)  # will be (or were) deleted
    held: list[Expired] = field(default_factory=list)  # expired but under legal hold
    deleted: list[str] = field(default_factory=list)  # document ids removed (with --apply)
    applied: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "applied": self.applied,
            "examined": self.examined,
            "expired": [e.to_dict() for e in self.expired],
            "held": [e.to_dict() for e in self.held],
            "deleted_documents": len(self.deleted),
        }


class Retention:
    """Policies and the retention run."""

    def __init__(self, catalog: Catalog, archive: Archive, holds: Holds) -> None:
        self.catalog = catalog
        self.archive = archive
        self.holds = holds

    def policies(self, sources: list[str] | None = None) -> list[dict[str, Any]]:
        """Every policy, or (with `sources`) those that can touch one of these sources."""
        with self.catalog.session() as s:
            rows = list(s.scalars(select(RetentionPolicyRow).order_by(RetentionPolicyRow.name)))
        return [
            _policy_dict(r)
            for r in rows
            if sources is None
            or not r.source_pattern
            or any(fnmatch.fnmatchcase(src, r.source_pattern) for src in sources)
        ]

    def policy(self, name: str) -> dict[str, Any] | None:
        with self.catalog.session() as s:
            row = s.scalars(select(RetentionPolicyRow).where(RetentionPolicyRow.name == name)).first()
            return _policy_dict(row) if row is not None else None

    def set_policy(
        self,
        name: str,
        *,
        category: str = "",
        source_pattern: str = "",
        years: int = 0,
        months: int = 0,
        days: int = 0,
        basis: str = "date",
        created_by: str = "",
    ) -> dict[str, Any]:
        name = name.strip()
        if not name:
            raise RetentionError("a policy needs a name")
        if basis not in BASES:
            raise RetentionError(f"basis must be one of {', '.join(BASES)}")
        if min(years, months, days) < 0 or years + months + days == 0 or years > 200:
            raise RetentionError("give a positive period (years, months and/or days)")
        with self.catalog.session() as s, s.begin():
            row = s.scalars(select(RetentionPolicyRow).where(RetentionPolicyRow.name == name)).first()
            if row is None:
                row = RetentionPolicyRow(name=name, created_at=utcnow(), created_by=created_by)
                s.add(row)
            row.category, row.source_pattern = category.strip(), source_pattern.strip()
            row.years, row.months, row.days, row.basis = years, months, days, basis
            s.flush()
            return _policy_dict(row)

    def delete_policy(self, name: str) -> bool:
        with self.catalog.session() as s, s.begin():
            result = s.execute(delete(RetentionPolicyRow).where(RetentionPolicyRow.name == name))
            return bool(getattr(result, "rowcount", 0))

    def run(
        self,
        sources: list[str] | None,
        *,
        apply: bool,
        actor: str,
        role: str,
        audit: AuditLog,
        now: datetime | None = None,
    ) -> RetentionReport:
        """The dry run (`apply=False`) and the run: one code path, so the dry run says what the run does.

        `sources` limits both to the families of those sources (None: every source, for admins).
        """
        report = self.evaluate(now, sources=sources)
        return self.apply(report, actor=actor, role=role, audit=audit) if apply else report

    def evaluate(self, now: datetime | None = None, *, sources: list[str] | None = None) -> RetentionReport:
        """Which families (of `sources`; None: all) have expired, and which of those a hold keeps."""
        now = now or utcnow()
        report = RetentionReport(as_of=now)
        with self.catalog.session() as s:
            policies = list(s.scalars(select(RetentionPolicyRow)))
        if not policies:
            return report
        held = self.holds.held_roots()
        last = ""
        while True:
            with self.catalog.session() as s:
                rows = list(
                    s.execute(
                        select(
                            DocumentRow.id,
                            DocumentRow.filename,
                            DocumentRow.category,
                            DocumentRow.source,
                            DocumentRow.date,
                            DocumentRow.ingested_at,
                        )
                        .where(DocumentRow.parent_id.is_(None), DocumentRow.id > last)
                        .where(DocumentRow.source.in_(sources) if sources is not None else true())
                        .order_by(DocumentRow.id)
                        .limit(1000)
                    ).all()
                )
            if not rows:
                break
            last = rows[-1][0]
            for doc_id, filename, category, source, date, ingested_at in rows:
                report.examined += 1
                best: tuple[datetime, str, datetime] | None = None
                for policy in policies:
                    if policy.category and policy.category != category:
                        continue
                    if policy.source_pattern and not fnmatch.fnmatchcase(source, policy.source_pattern):
                        continue
                    basis = (date if policy.basis == "date" else None) or ingested_at
                    expires = basis + relativedelta(
                        years=policy.years, months=policy.months, days=policy.days
                    )
                    if best is None or expires > best[0]:
                        best = (expires, policy.name, basis)
                if best is None or best[0] > now:
                    continue
                item = Expired(doc_id, filename, category, source, best[2], best[0], best[1])
                if doc_id in held:
                    item.held_by = sorted(held[doc_id])
                    report.held.append(item)
                else:
                    report.expired.append(item)
        return report

    def apply(self, report: RetentionReport, *, actor: str, role: str, audit: AuditLog) -> RetentionReport:
        """Delete what `report` found expired (each family checked for holds again)."""
        audit.record(
            actor,
            role,
            "retention.run",
            detail={
                "as_of": report.as_of.isoformat(),
                "expired": len(report.expired),
                "held": len(report.held),
            },
        )
        still_expired = []
        for item in report.expired:
            try:
                report.deleted += delete_family(
                    self.catalog,
                    self.archive,
                    self.holds,
                    item.root_id,
                    actor=actor,
                    role=role,
                    audit=audit,
                    reason=f"retention:{item.policy}",
                )
                still_expired.append(item)
            except DocumentHeld as held:
                item.held_by = held.matters
                report.held.append(item)
        report.expired = still_expired
        report.applied = True
        return report


def delete_family(
    catalog: Catalog,
    archive: Archive,
    holds: Holds,
    root_id: str,
    *,
    actor: str,
    role: str,
    audit: AuditLog,
    reason: str,
) -> list[str]:
    """Delete a top-level document with its attachments: catalog, archive, index (queued)."""
    matters = holds.matters_holding(root_id)
    if matters:
        raise DocumentHeld(root_id, matters)
    with catalog.session() as s:
        root = s.get(DocumentRow, root_id)
        if root is None:
            raise UnknownDocument(f"no document {root_id}")
        if root.parent_id is not None:
            raise RetentionError(f"{root_id} is part of {root.root_id}: delete the top-level document")
        family = list(
            s.execute(select(DocumentRow.id, DocumentRow.sha256).where(DocumentRow.root_id == root_id)).all()
        )
        root_sha, filename, source = root.sha256, root.filename, root.source
    ids = [doc_id for doc_id, _ in family]
    shas = sorted({sha for _, sha in family})
    # The audit entry comes first: if it cannot be written, nothing is deleted.
    audit.record(
        actor,
        role,
        "document.delete",
        target=root_id,
        detail={"reason": reason, "filename": filename, "documents": ids, "sha256": shas},
    )
    with catalog.session() as s, s.begin():
        # The jobs of this source's copy only: another source may hold the same bytes as its own.
        jobs = list(
            s.scalars(
                select(JobRow.id).where(
                    JobRow.sha256 == root_sha, JobRow.source == source, JobRow.state.in_(["done", "failed"])
                )
            )
        )
        s.execute(delete(DocumentSourceRow).where(DocumentSourceRow.document_id == root_id))
        s.execute(
            delete(QuarantineRow).where(QuarantineRow.parent_id.in_(ids) | QuarantineRow.job_id.in_(jobs))
        )
        s.execute(delete(JobRow).where(JobRow.id.in_(jobs)))
        s.execute(delete(DocumentRow).where(DocumentRow.root_id == root_id))
        s.add(
            DeletionRow(
                document_ids=json.dumps(ids), reason=reason[:64], requested_by=actor, requested_at=utcnow()
            )
        )
    for sha in shas:
        with catalog.session() as s:
            still_used = (
                s.scalar(select(func.count()).select_from(DocumentRow).where(DocumentRow.sha256 == sha)) or 0
            )
            live_jobs = s.scalar(select(func.count()).select_from(JobRow).where(JobRow.sha256 == sha)) or 0
        if not still_used and not live_jobs:
            archive.delete(sha)
    return ids


_PENDING = select(DeletionRow.document_ids).where(DeletionRow.processed_at.is_(None))


def pending_deletions(catalog: Catalog) -> list[str]:
    """Ids deleted from the catalog that the index may still hold (asked on every search)."""
    with catalog.engine.connect() as conn:  # a Core read built once: no ORM session per search
        rows = conn.scalars(_PENDING)
        return [doc_id for raw in rows for doc_id in json.loads(raw)]


def process_deletions(catalog: Catalog, backend: SearchBackend) -> int:
    """Remove queued deletions from the index; the index writer (the worker) calls this."""
    with catalog.session() as s:
        rows = list(
            s.execute(
                select(DeletionRow.id, DeletionRow.document_ids).where(DeletionRow.processed_at.is_(None))
            ).all()
        )
    if not rows:
        return 0
    ids = [doc_id for _, raw in rows for doc_id in json.loads(raw)]
    backend.delete(ids)
    backend.commit()
    with catalog.session() as s, s.begin():
        for row_id, _ in rows:
            row = s.get(DeletionRow, row_id)
            if row is not None:
                row.processed_at = utcnow()
    return len(ids)
