"""Quality metrics for the dashboard: `/api/metrics/…` (JSON, or CSV with ``format=csv``).

Every endpoint takes the same scope: ``q`` (query language), repeatable
``filter=field:value`` (as `/api/search`), ``date_from``/``date_to`` (days,
inclusive). Figures come from the search backend (`api.metrics_service`);
response times from the catalog's threads (`api.response_time`). Each figure
carries ``link``: the search page listing exactly the documents it counts.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.access import QUALITY, audited, require
from api.errors import BadRequest
from api.metrics_service import (
    BREAKDOWN_FIELDS,
    COMPLAINT,
    MENTION_FIELDS,
    NEGATIVE_BELOW,
    Scope,
    breakdown,
    top_entities,
    trend,
)
from api.response_time import parse_domains, response_times
from api.routes.metrics_models import (
    CSV_RESPONSE,
    Breakdown,
    DashboardConfig,
    DemoInfo,
    Entities,
    OpenComplaints,
    ResponseTimes,
    Trend,
)
from api.routes.search import parse_filters
from api.state import AppState, get_state
from core import clock
from core.document import DEMO_DOMAIN, DEMO_SOURCE
from nlp.review import thresholds

__all__ = ["router"]

router = APIRouter(prefix="/api/metrics", tags=["metrics"], dependencies=[Depends(require(*QUALITY))])

READ = [Depends(audited("metrics.read", counted=True))]  # figures of documents: audited with a count
DEFAULT_PERIOD_DAYS = 30
Format = Literal["json", "csv"]
IntervalParam = Literal["day", "week", "month"]


def scope(
    q: Annotated[str, Query(description="Query in Faldone's query language", max_length=4000)] = "",
    filter: Annotated[list[str], Query(description="field:value, repeatable")] = [],  # noqa: B006
    date_from: Annotated[date | None, Query(description="First day (inclusive)")] = None,
    date_to: Annotated[date | None, Query(description="Last day (inclusive)")] = None,
) -> Scope:
    """The documents the figures are about; the query is parsed here, once (errors point into it)."""
    if date_from and date_to and date_from > date_to:
        raise BadRequest("date_from is after date_to")
    return Scope.parsed(q, parse_filters(filter), date_from, date_to)


ScopeParam = Annotated[Scope, Depends(scope)]
StateParam = Annotated[AppState, Depends(get_state)]


def _fields(raw: str, allowed: tuple[str, ...]) -> list[str]:
    fields = [f.strip() for f in raw.split(",") if f.strip()]
    unknown = [f for f in fields if f not in allowed]
    if unknown or not fields:
        raise BadRequest(f"fields must be among {', '.join(allowed)}", fields=raw)
    return fields


def _csv(rows: list[dict[str, Any]], columns: list[str], name: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: ("" if row.get(k) is None else row.get(k)) for k in columns} for row in rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="faldone-{name}.csv"'},
    )


@router.get("/config", summary="What the dashboard needs to know: company domains, SLA, fields")
def config(state: StateParam) -> DashboardConfig:
    state.backend.refresh()
    demo = state.backend.search(Scope(filters={"source": [DEMO_SOURCE]}).request()).total
    return DashboardConfig(
        company_domains=parse_domains(state.settings.company_domains),
        sla_hours=state.settings.response_sla_hours,
        negative_below=NEGATIVE_BELOW,
        breakdown_fields=list(BREAKDOWN_FIELDS),
        entity_fields=list(MENTION_FIELDS),
        demo=DemoInfo(documents=demo, company_domain=DEMO_DOMAIN if demo else None),
    )


@router.get(
    "/trend",
    dependencies=READ,
    summary="Documents, complaints, sentiment and negative share per period",
    response_model=Trend,
    responses=CSV_RESPONSE,
)
def trend_metric(
    state: StateParam, scope: ScopeParam, interval: IntervalParam = "week", format: Format = "json"
) -> Any:
    state.backend.refresh()
    _, likely_from = thresholds(state.settings.data_dir / "models")
    figures = trend(state.backend, scope, interval, likely_from)
    if format == "csv":
        rows = [{**b, "complaints_link": b["links"]["complaints"]} for b in figures["buckets"]]
        columns = [
            "start", "end", "documents", "complaints", "complaint_share", "likely_complaints",
            "avg_sentiment", "negative", "negative_share", "complaints_link",
        ]  # fmt: skip
        return _csv(rows, columns, f"trend-{interval}")
    return figures


@router.get(
    "/breakdown",
    dependencies=READ,
    summary="Top values of keyword fields by documents, complaints or negatives",
    response_model=Breakdown,
    responses=CSV_RESPONSE,
)
def breakdown_metric(
    state: StateParam,
    scope: ScopeParam,
    fields: Annotated[str, Query(description="comma-separated keyword fields")] = "category,org,type,source",
    measure: Literal["documents", "complaints", "negative"] = "complaints",
    size: Annotated[int, Query(ge=1, le=50)] = 10,
    format: Format = "json",
) -> Any:
    state.backend.refresh()
    figures = breakdown(state.backend, scope, _fields(fields, BREAKDOWN_FIELDS), measure, size)
    if format == "csv":
        rows = [{"field": name, **row} for name, values in figures["fields"].items() for row in values]
        columns = ["field", "value", "count", "documents", "share", "of_measure", "link"]
        return _csv(rows, columns, f"breakdown-{measure}")
    return figures


def _newest_day(state: AppState, scope: Scope) -> date | None:
    """Day of the newest document in scope: the default period ends with the data, not the calendar."""
    request = scope.request(COMPLAINT)
    request.limit = 1
    hits = state.backend.search(request).hits
    moment = hits[0].fields.get("date") if hits else None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.date() if isinstance(moment, datetime) else None


@router.get(
    "/entities",
    dependencies=READ,
    summary="Entities most named in complaints: this period against the previous one",
    response_model=Entities,
    responses=CSV_RESPONSE,
)
def entities_metric(
    state: StateParam,
    scope: ScopeParam,
    fields: Annotated[str, Query(description="comma-separated entity fields")] = "org,person,reference",
    size: Annotated[int, Query(ge=1, le=50)] = 10,
    days: Annotated[int, Query(ge=1, le=3660, description="Period length without date_from")] = 30,
    format: Format = "json",
) -> Any:
    """The period is date_from…date_to, else the `days` up to date_to (default: the newest complaint)."""
    state.backend.refresh()
    end = scope.date_to or _newest_day(state, scope) or clock.now().date()
    start = scope.date_from or end - timedelta(days=days - 1)
    figures = top_entities(
        state.backend, scope.between(None, None), _fields(fields, MENTION_FIELDS), size, (start, end)
    )
    if format == "csv":
        rows = [{"field": name, **row} for name, values in figures["fields"].items() for row in values]
        columns = ["field", "value", "count", "previous", "change", "change_pct", "link"]
        return _csv(rows, columns, "entities")
    return figures


def _domains(state: AppState, company_domains: str) -> list[str]:
    return parse_domains(company_domains) or parse_domains(state.settings.company_domains)


SlaParam = Annotated[
    float | None, Query(gt=0, le=24 * 365, description="default: the setting FALDONE_RESPONSE_SLA_HOURS")
]


@router.get(
    "/response-time",
    dependencies=READ,
    summary="Hours to the company's first reply to complaint e-mails, per period",
    response_model=ResponseTimes,
    responses=CSV_RESPONSE,
)
def response_time_metric(
    state: StateParam,
    scope: ScopeParam,
    interval: IntervalParam = "week",
    sla_hours: SlaParam = None,
    company_domains: Annotated[str, Query(description="comma-separated; default: the setting")] = "",
    now: Annotated[datetime | None, Query(description="Reference time for open cases (default: now)")] = None,
    open_limit: Annotated[int, Query(ge=0, le=1000)] = 50,
    format: Format = "json",
) -> Any:
    domains = _domains(state, company_domains)
    if not domains:
        raise BadRequest(
            "no company e-mail domains: set FALDONE_COMPANY_DOMAINS or pass company_domains",
            parameter="company_domains",
        )
    state.backend.refresh()
    figures = response_times(
        state.backend,
        state.catalog,
        scope,
        domains=domains,
        sla_hours=sla_hours or state.settings.response_sla_hours,
        interval=interval,
        now=now,
        open_limit=open_limit,
    )
    if format == "csv":
        columns = [
            "start", "end", "cases", "answered", "open", "overdue", "pending", "median_hours", "p90_hours",
            "within_sla", "sla_share",
        ]  # fmt: skip
        return _csv(figures["buckets"], columns, f"response-time-{interval}")
    return figures


@router.get(
    "/open-complaints",
    dependencies=READ,
    summary="Complaint e-mails still without a reply, oldest first",
    response_model=OpenComplaints,
    responses=CSV_RESPONSE,
)
def open_complaints(
    state: StateParam,
    scope: ScopeParam,
    sla_hours: SlaParam = None,
    company_domains: str = "",
    now: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Format = "json",
) -> Any:
    figures = response_time_metric(
        state, scope, "month", sla_hours, company_domains, now, open_limit=limit, format="json"
    )
    rows = figures["open_cases"]
    if format == "csv":
        columns = ["opened", "age_hours", "overdue", "sender", "subject", "id", "url"]
        return _csv(rows, columns, "open-complaints")
    return {
        "total": figures["open_total"],
        "sla_hours": sla_hours or state.settings.response_sla_hours,
        "cases": rows,
    }
