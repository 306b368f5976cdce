"""The audit log: append-only, each entry chained to the previous one by SHA-256.

    hash(n) = sha256(hash(n-1) + canonical_json(entry n))      hash(0) = "0" * 64

Entry ids are consecutive (1, 2, 3…), so a removed row breaks the chain too, and
`prev_hash` is unique, so two writers that raced for the same predecessor cannot
both succeed (the loser retries). SQLite and PostgreSQL refuse UPDATE and DELETE on
the table with a trigger (created by the migrations, `core/migrations/`); someone with
raw access to the database can still drop the trigger, which is what `verify` is for.
Removing the newest entries leaves a valid shorter chain: keep the head hash that
`verify` prints somewhere else (a ticket, an e-mail) to detect that too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from core.clock import now
from core.errors import FaldoneError
from core.models import AuditRow

if TYPE_CHECKING:
    from core.catalog import Catalog

__all__ = ["GENESIS", "AuditEntry", "AuditLog", "AuditUnavailable", "VerifyResult", "entry_hash"]

GENESIS = "0" * 64
CSV_COLUMNS = ("id", "at", "actor", "role", "action", "target", "ip", "detail", "prev_hash", "hash")


_HEAD = select(AuditRow.id, AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)
_INSERT = insert(AuditRow)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class AuditUnavailable(FaldoneError):
    """The entry could not be written: whatever it was to record must not happen (or be shown)."""

    code: ClassVar[str] = "audit_unavailable"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    role: str
    action: str
    target: str
    ip: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def entry_hash(row: AuditRow | AuditEntry) -> str:
    """The chained hash of a row, computed from its stored fields."""
    detail = row.detail if isinstance(row.detail, str) else canonical(row.detail)
    body = canonical(
        {
            "id": row.id,
            "at": row.at,
            "actor": row.actor,
            "role": row.role,
            "action": row.action,
            "target": row.target,
            "ip": row.ip,
            "detail": detail,
        }
    )
    return hashlib.sha256((row.prev_hash + body).encode()).hexdigest()


def _entry(row: AuditRow) -> AuditEntry:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {"unparsable": row.detail}
    return AuditEntry(
        row.id, row.at, row.actor, row.role, row.action, row.target, row.ip, detail, row.prev_hash, row.hash
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_hash: str
    first_bad_id: int | None = None
    problem: str = ""


class AuditLog:
    """Append and read audit entries in the catalog database."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def record(
        self,
        actor: str,
        role: str,
        action: str,
        target: str = "",
        detail: dict[str, Any] | None = None,
        ip: str = "",
    ) -> AuditEntry:
        """Append one entry; raises `AuditUnavailable` when the database refuses (the caller
        must not go on)."""
        try:
            return self._append(actor, role, action, target, canonical(detail or {}), ip)
        except SQLAlchemyError as err:
            raise AuditUnavailable("the audit log cannot be written") from err

    def _append(
        self, actor: str, role: str, action: str, target: str, detail_json: str, ip: str
    ) -> AuditEntry:
        # Core statements built once, values as parameters: every search appends one entry,
        # and building the statement per call cost more than the database's own work.
        for _attempt in range(20):
            with self.catalog.engine.connect() as conn:
                last = conn.execute(_HEAD).first()
                entry = AuditEntry(
                    id=(last.id + 1) if last else 1,
                    at=now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    actor=actor[:64],
                    role=role[:16],
                    action=action[:64],
                    target=target[:255],
                    ip=ip[:64],
                    detail=json.loads(detail_json),
                    prev_hash=last.hash if last else GENESIS,
                    hash="",
                )
                entry = replace(entry, hash=entry_hash(entry))
                values = {**entry.__dict__, "detail": detail_json}
                try:
                    conn.execute(_INSERT, values)
                    conn.commit()
                except IntegrityError:  # another writer appended first: chain onto its entry
                    conn.rollback()
                    continue
                return entry
        raise AuditUnavailable("could not append to the audit log (contention)")

    def count(self, **filters: str) -> int:
        with self.catalog.session() as s:
            stmt = self._filtered(select(func.count()).select_from(AuditRow), filters)
            return s.scalar(stmt) or 0

    @staticmethod
    def _filtered(stmt: Any, filters: dict[str, str]) -> Any:
        for name in ("actor", "action", "target"):
            value = filters.get(name)
            if value:
                stmt = stmt.where(getattr(AuditRow, name) == value)
        if filters.get("since"):
            stmt = stmt.where(AuditRow.at >= filters["since"])
        if filters.get("until"):
            stmt = stmt.where(AuditRow.at <= filters["until"])
        return stmt

    def entries(self, *, offset: int = 0, limit: int = 100, **filters: str) -> list[AuditEntry]:
        """Newest first."""
        with self.catalog.session() as s:
            stmt = self._filtered(select(AuditRow), filters)
            rows = s.scalars(stmt.order_by(AuditRow.id.desc()).offset(offset).limit(limit))
            return [_entry(r) for r in rows]

    def iter_all(self, filters: dict[str, str] | None = None, batch: int = 1000) -> Iterator[AuditEntry]:
        """Oldest first, in batches (for verify and exports)."""
        last = 0
        while True:
            with self.catalog.session() as s:
                stmt = self._filtered(select(AuditRow).where(AuditRow.id > last), filters or {})
                rows = list(s.scalars(stmt.order_by(AuditRow.id).limit(batch)))
            if not rows:
                return
            last = rows[-1].id
            yield from (_entry(r) for r in rows)

    def iter_csv(self, **filters: str) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for entry in self.iter_all(filters):
            data = entry.to_dict()
            data["detail"] = canonical(entry.detail)
            writer.writerow([_csv_safe(str(data[c])) for c in CSV_COLUMNS])
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    def verify(self) -> VerifyResult:
        """Walk the chain from the first entry; name the first entry that does not fit."""
        previous, expected_id, checked = GENESIS, 1, 0
        last = 0
        while True:
            with self.catalog.session() as s:
                rows = list(
                    s.scalars(select(AuditRow).where(AuditRow.id > last).order_by(AuditRow.id).limit(1000))
                )
            if not rows:
                return VerifyResult(True, checked, previous)
            for row in rows:
                if row.id != expected_id:
                    return VerifyResult(
                        False, checked, previous, expected_id, f"entry {expected_id} is missing"
                    )
                if row.prev_hash != previous:
                    return VerifyResult(
                        False, checked, previous, row.id, "prev_hash does not match the previous entry"
                    )
                if entry_hash(row) != row.hash:
                    return VerifyResult(False, checked, previous, row.id, "content does not match its hash")
                previous, expected_id, checked = row.hash, expected_id + 1, checked + 1
            last = rows[-1].id


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in exported cells."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
