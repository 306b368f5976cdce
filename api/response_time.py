"""Time to the first reply to complaint e-mails, matched through their thread.

Which complaints count is decided by the search backend (the user's scope AND
``complaint:true AND type:email``, senders outside the company); the threads come
from the catalog (thread_id, date, sender of every top-level message).

A *case* opens with a customer's complaint e-mail and closes with the first later
message in the same thread sent from one of the company's domains. Reminders the
customer sends meanwhile belong to the open case; a complaint after the company
answered opens a new case. A case is *answered within the SLA* when its reply came
within `sla_hours`; an unanswered case is *overdue* once older than the SLA and
*pending* before that. The SLA share is answered-within / (answered + overdue).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from api.metrics_service import COMPLAINT, Scope, period_clause, period_end
from core import clock
from core.catalog import Catalog
from core.clock import utc
from core.models import DocumentRow
from index.backend import Interval, SearchBackend

__all__ = ["MAX_COMPLAINTS", "Case", "cases", "is_company", "parse_domains", "percentile", "response_times"]

_CHUNK = 500
# Complaints read per request: the deepest page both backends serve (offset + limit).
MAX_COMPLAINTS = 10_000


def parse_domains(value: str) -> list[str]:
    """``"Acme.it, @acme.com"`` → ``["acme.it", "acme.com"]``."""
    return [d.strip().lstrip("@").lower() for d in value.split(",") if d.strip().lstrip("@")]


def is_company(sender: str, domains: Iterable[str]) -> bool:
    """True when the address belongs to one of `domains` or a subdomain of one."""
    host = sender.rsplit("@", 1)[-1].strip().lower().rstrip(">")
    return any(host == d or host.endswith("." + d) for d in domains)


def percentile(values: list[float], q: float) -> float | None:
    """The `q`-th percentile (0–100) with linear interpolation between ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class _Message:
    id: str
    date: datetime
    sender: str
    subject: str


@dataclass
class Case:
    """One complaint waiting for (or having received) the company's first reply."""

    complaint_id: str
    thread_id: str
    opened: datetime
    sender: str
    subject: str
    reply_id: str | None = None
    replied: datetime | None = None

    @property
    def hours(self) -> float | None:
        if self.replied is None:
            return None
        return (self.replied - self.opened).total_seconds() / 3600


def _threads(catalog: Catalog, thread_ids: list[str]) -> dict[str, list[_Message]]:
    """Top-level messages of each thread, oldest first."""
    found: dict[str, list[_Message]] = {}
    with catalog.session() as session:
        for start in range(0, len(thread_ids), _CHUNK):
            rows = session.execute(
                select(DocumentRow.id, DocumentRow.thread_id, DocumentRow.date, DocumentRow.data).where(
                    DocumentRow.thread_id.in_(thread_ids[start : start + _CHUNK]),
                    DocumentRow.parent_id.is_(None),
                )
            )
            for doc_id, thread_id, moment, data in rows:
                email = data.get("email") or {}
                if moment is None or not thread_id or not isinstance(email, dict):
                    continue
                found.setdefault(thread_id, []).append(
                    _Message(doc_id, utc(moment), str(email.get("sender", "")), str(email.get("subject", "")))
                )
    for messages in found.values():
        messages.sort(key=lambda m: (m.date, m.id))
    return found


def cases(
    backend: SearchBackend, catalog: Catalog, scope: Scope, domains: list[str]
) -> tuple[list[Case], bool]:
    """The complaint cases in `scope`, and whether the complaint list was cut at the backend's window."""
    request = scope.request(COMPLAINT, "type:email")
    request.limit, request.sort = MAX_COMPLAINTS, "date_asc"
    result = backend.search(request)
    complaints = {
        hit.id: str(hit.fields.get("thread_id") or "")
        for hit in result.hits
        if not is_company(str(hit.fields.get("sender") or ""), domains)
    }
    thread_ids = sorted({t for t in complaints.values() if t})
    found: list[Case] = []
    threads = _threads(catalog, thread_ids)
    for thread_id in thread_ids:
        current: Case | None = None
        for message in threads.get(thread_id, []):
            if is_company(message.sender, domains):
                if current is not None:
                    current.reply_id, current.replied = message.id, message.date
                    found.append(current)
                    current = None
            elif current is None and message.id in complaints:
                current = Case(message.id, thread_id, message.date, message.sender, message.subject)
        if current is not None:
            found.append(current)
    return sorted(found, key=lambda c: (c.opened, c.complaint_id)), result.total > len(result.hits)


def _period_start(moment: datetime, interval: Interval) -> datetime:
    day = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def _summary(group: list[Case], sla: timedelta, now: datetime) -> dict[str, Any]:
    hours = [h for c in group if (h := c.hours) is not None]
    within = sum(1 for h in hours if h <= sla.total_seconds() / 3600)
    waiting = [c for c in group if c.replied is None]
    overdue = sum(1 for c in waiting if now - c.opened > sla)
    median = statistics.median(hours) if hours else None
    p90 = percentile(hours, 90)
    return {
        "cases": len(group),
        "answered": len(hours),
        "open": len(waiting),
        "overdue": overdue,
        "pending": len(waiting) - overdue,
        "median_hours": None if median is None else round(median, 2),
        "p90_hours": None if p90 is None else round(p90, 2),
        "within_sla": within,
        "sla_share": round(within / (len(hours) + overdue), 4) if hours or overdue else None,
    }


def response_times(
    backend: SearchBackend,
    catalog: Catalog,
    scope: Scope,
    *,
    domains: list[str],
    sla_hours: float,
    interval: Interval,
    now: datetime | None = None,
    open_limit: int = 50,
) -> dict[str, Any]:
    """Median and p90 hours to the first reply per period, the SLA share and the open cases, oldest first."""
    moment = utc(now) if now else clock.now()
    sla = timedelta(hours=sla_hours)
    found, truncated = cases(backend, catalog, scope, domains) if domains else ([], False)
    periods: dict[datetime, list[Case]] = {}
    for case in found:
        periods.setdefault(_period_start(case.opened, interval), []).append(case)
    waiting = [c for c in found if c.replied is None]
    return {
        "interval": interval,
        "company_domains": domains,
        "sla_hours": sla_hours,
        "now": moment.isoformat(),
        "truncated": truncated,
        "totals": _summary(found, sla, moment),
        "buckets": [
            {
                "start": start.date().isoformat(),
                "end": period_end(start, interval).isoformat(),
                **_summary(group, sla, moment),
                "link": scope.link(period_clause(start, interval), COMPLAINT, "type:email"),
            }
            for start, group in sorted(periods.items())
        ],
        "open_cases": [
            {
                "id": c.complaint_id,
                "thread_id": c.thread_id,
                "subject": c.subject,
                "sender": c.sender,
                "opened": c.opened.isoformat(),
                "age_hours": round((moment - c.opened).total_seconds() / 3600, 1),
                "overdue": moment - c.opened > sla,
                "url": f"/document.html?id={c.complaint_id}",
            }
            for c in waiting[:open_limit]
        ],
        "open_total": len(waiting),
    }
