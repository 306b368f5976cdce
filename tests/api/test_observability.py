"""Prometheus metrics, readiness and JSON logs."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from api.app import create_app
from core.catalog import Catalog
from core.logs import JsonFormatter
from core.settings import Settings


def test_metrics_report_queue_depth_and_search_latency(settings: Settings) -> None:
    Catalog(settings.resolved_catalog_url).enqueue("f" * 64, "waiting.pdf", "cli")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/search", params={"q": "fattura"}).status_code == 200
        assert client.get("/api/documents/missing").status_code == 404
        body = client.get("/metrics").text
    assert 'faldone_jobs{state="queued"} 1.0' in body
    assert 'faldone_http_request_seconds_count{method="GET",route="/api/search",status="200"} 1.0' in body
    # Route templates, not concrete paths, so label values stay bounded.
    assert 'route="/api/documents/{doc_id}",status="404"' in body
    assert "/api/documents/missing" not in body


def test_readyz_checks_catalog_and_index(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").json() == {"status": "ok", "catalog": "ok", "search": "ok"}


def test_json_log_lines_are_objects_with_extra_fields() -> None:
    record = logging.makeLogRecord(
        {
            "name": "faldone.worker",
            "levelname": "WARNING",
            "msg": "job %s quarantined",
            "args": (7,),
            "job_id": 7,
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "job 7 quarantined"
    assert entry["level"] == "warning" and entry["job_id"] == 7
