"""Response models of the quality metrics (`api/routes/metrics.py`); links open the search page."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.openapi import text_answer

__all__ = [
    "CSV_RESPONSE",
    "Breakdown",
    "DashboardConfig",
    "DemoInfo",
    "Entities",
    "OpenComplaints",
    "ResponseTimes",
    "Trend",
]

CSV_RESPONSE = text_answer("text/csv")


class DemoInfo(BaseModel):
    documents: int
    company_domain: str | None


class DashboardConfig(BaseModel):
    company_domains: list[str]
    sla_hours: float
    negative_below: float
    breakdown_fields: list[str]
    entity_fields: list[str]
    demo: DemoInfo


class TrendLinks(BaseModel):
    documents: str
    complaints: str
    negative: str


class TrendTotals(BaseModel):
    documents: int
    complaints: int
    complaint_share: float | None
    negative: int
    negative_share: float | None
    links: TrendLinks


class TrendBucket(BaseModel):
    start: str
    end: str
    documents: int
    complaints: int
    complaint_share: float | None
    avg_sentiment: float | None
    negative: int
    negative_share: float | None
    links: TrendLinks


class Trend(BaseModel):
    interval: str
    query: str
    negative_below: float
    totals: TrendTotals
    buckets: list[TrendBucket]


class BreakdownValue(BaseModel):
    value: str
    count: int
    documents: int
    share: float | None = Field(description="part of this value's documents that the measure counts")
    of_measure: float | None = Field(description="part of the measure's total")
    link: str


class Breakdown(BaseModel):
    measure: str
    total: int
    fields: dict[str, list[BreakdownValue]]


class Period(BaseModel):
    from_: str = Field(alias="from")
    to: str
    complaints: int


class EntityChange(BaseModel):
    value: str
    count: int
    previous: int
    change: int
    change_pct: float | None
    link: str
    previous_link: str


class Entities(BaseModel):
    period: Period
    previous: Period
    link: str
    previous_link: str
    fields: dict[str, list[EntityChange]]


class ResponseSummary(BaseModel):
    cases: int
    answered: int
    open: int
    overdue: int
    pending: int
    median_hours: float | None
    p90_hours: float | None
    within_sla: int
    sla_share: float | None


class ResponseBucket(ResponseSummary):
    start: str
    end: str
    link: str


class OpenCase(BaseModel):
    id: str
    thread_id: str | None
    subject: str
    sender: str
    opened: str
    age_hours: float
    overdue: bool
    url: str


class ResponseTimes(BaseModel):
    interval: str
    company_domains: list[str]
    sla_hours: float
    now: str
    truncated: bool
    totals: ResponseSummary
    buckets: list[ResponseBucket]
    open_cases: list[OpenCase]
    open_total: int


class OpenComplaints(BaseModel):
    total: int
    sla_hours: float
    cases: list[OpenCase]
