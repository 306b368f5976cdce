"""Prometheus metrics: HTTP latency per route (search included), queue depth, documents.

The API process exports `/metrics`. Queue and document gauges are read from the
catalog at scrape time, so every API replica reports the same shared truth; the
worker exports its own counters (`faldone worker --metrics-port`).
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest

from api.access import ADMIN, require
from api.openapi import text_answer
from api.security import ASGIApp, Message, Receive, Scope, Send
from core.catalog import Catalog

__all__ = ["Observability"]

_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Observability:
    """Owns a registry; `middleware` times requests, `router` serves `/metrics`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "faldone_http_request_seconds",
            "HTTP request latency by route template",
            ["method", "route", "status"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.jobs = Gauge("faldone_jobs", "Ingest jobs by state", ["state"], registry=self.registry)
        self.documents = Gauge("faldone_documents", "Documents in the catalog", registry=self.registry)
        self.quarantined = Gauge("faldone_quarantined", "Quarantine records", registry=self.registry)
        self.rate = Gauge(
            "faldone_ingest_docs_per_second", "Recent ingest throughput", registry=self.registry
        )
        self.router = APIRouter(tags=["health"])
        self.router.add_api_route(
            "/metrics",
            self.metrics,
            methods=["GET"],
            summary="Prometheus metrics",
            dependencies=[Depends(require(*ADMIN))],  # scrape with an admin API key
            response_class=Response,
            responses=text_answer("text/plain"),
        )

    def metrics(self) -> Response:
        status = self.catalog.status()
        for state in ("queued", "running", "done", "failed"):
            self.jobs.labels(state=state).set(getattr(status, state))
        self.documents.set(status.documents)
        self.quarantined.set(status.quarantined)
        self.rate.set(status.docs_per_second)
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    def timed(self, app: ASGIApp) -> ASGIApp:
        """`app` with every HTTP request's latency recorded (a pure ASGI wrapper: no extra task
        or stream per request, unlike an ``@app.middleware("http")`` function)."""

        async def timer(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            start = time.perf_counter()
            status = [500]  # an exception that escapes becomes a 500 further out

            async def noting(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status[0] = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, noting)
            finally:
                route = _route_template(scope)
                if route != "/metrics":
                    self.latency.labels(scope["method"], route, str(status[0])).observe(
                        time.perf_counter() - start
                    )

        return timer


def _route_template(scope: Scope) -> str:
    """`/api/documents/{doc_id}`, not the concrete path: keeps label cardinality bounded.

    The router records the matched route in the (shared) scope once it has routed.
    """
    route = scope.get("route")
    return str(getattr(route, "path", "unmatched"))
