"""Measurements of bench/search: in-process latency, the raw tantivy floor, latency through the API.

Every measurement of a query kind sends ``warmup`` unmeasured requests first, then
``count`` measured ones cycling through the kind's queries; the same warm-up for every
backend and for both places (in process and through the API).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import httpx

from api.routes.search import DEFAULT_FACETS
from index.backend import SearchBackend, SearchRequest
from index.backends.embedded import EmbeddedBackend
from index.backends.embedded_aggs import counted_facets
from tests.services.opensearch import free_port

__all__ = ["Api", "backend_latency", "floor_latency", "percentile", "requests_of", "serve"]

REPO = Path(__file__).resolve().parents[1]
LIMIT = 20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _summary(latencies: list[float], stages: list[dict[str, float]]) -> dict[str, Any]:
    names = list(dict.fromkeys(name for item in stages for name in item))
    return {
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "stages_p50_ms": {n: round(statistics.median(s.get(n, 0.0) for s in stages), 3) for n in names},
    }


def requests_of(params: list[dict[str, Any]]) -> list[SearchRequest]:
    """The API's query parameters as the `SearchRequest`s the API would make of them."""
    requests = []
    for param in params:
        facet_fields = [] if param.get("facets") == "" else list(DEFAULT_FACETS)
        filters: dict[str, list[str]] = {}
        for item in param.get("filter", []):
            name, _, value = item.partition(":")
            filters.setdefault(name, []).append(value)
        requests.append(SearchRequest(query=param["q"], filters=filters, facets=facet_fields, limit=LIMIT))
    return requests


def backend_latency(
    backend: SearchBackend, queries: dict[str, list[dict[str, Any]]], count: int, warmup: int
) -> dict[str, Any]:
    """The same queries straight on the backend, in this process: the API's share is the difference."""
    result: dict[str, Any] = {}
    for kind, params in queries.items():
        requests = requests_of(params)
        for request in islice(cycle(requests), warmup):
            backend.search(request)
        latencies: list[float] = []
        stages: list[dict[str, float]] = []
        for request in islice(cycle(requests), count):
            started = time.perf_counter()
            answer = backend.search(request)
            latencies.append((time.perf_counter() - started) * 1000)
            stages.append(answer.timings)
        result[kind] = _summary(latencies, stages)
    return result


def floor_latency(
    backend: EmbeddedBackend, queries: dict[str, list[dict[str, Any]]], count: int, warmup: int
) -> dict[str, Any]:
    """Raw tantivy: the compiled query's top 20 and count, as the backend runs them.

    With facets the top 20 are found without counting and one aggregation over the
    non-scoring query (`EmbeddedBackend._matching`) counts the matches and their facets.
    Queries are compiled beforehand; no stored document is read and nothing is highlighted.
    """
    result: dict[str, Any] = {}
    searcher = backend._index.searcher()
    for kind, params in queries.items():
        compiled = [(backend._queries(r)[0], backend._matching(r), r.facets) for r in requests_of(params)]

        def once(query: Any, matching: Any, fields: list[str]) -> None:
            searcher.search(query, limit=LIMIT, count=not fields)
            if fields:
                counted_facets(searcher, matching, fields, 10)

        for query, matching, fields in islice(cycle(compiled), warmup):
            once(query, matching, fields)
        latencies: list[float] = []
        for query, matching, fields in islice(cycle(compiled), count):
            started = time.perf_counter()
            once(query, matching, fields)
            latencies.append((time.perf_counter() - started) * 1000)
        result[kind] = _summary(latencies, [])
    return result


class Api:
    """One uvicorn process serving an index through the real API (auth off)."""

    def __init__(self, env: dict[str, str]) -> None:
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "--factory", "api.asgi:app", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
        self.server = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env})
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.close()
        raise SystemExit(f"the API did not start on {self.url}")

    def totals(self, queries: dict[str, list[dict[str, Any]]]) -> list[int]:
        return [
            int(httpx.get(f"{self.url}/api/search", params=q, timeout=60).json()["total"])
            for kind in queries.values()
            for q in kind
        ]

    def latency(self, queries_file: Path, count: int, warmup: int, concurrency: int) -> dict[str, Any]:
        """Measured from a separate load-generator process (bench/search_load.py)."""
        command = [sys.executable, str(REPO / "bench" / "search_load.py"), f"{self.url}/api/search"]
        command += [str(queries_file), "--requests", str(count), "--warmup", str(warmup)]
        command += ["--concurrency", str(concurrency)]
        load = subprocess.run(command, capture_output=True, text=True, check=True)
        latency: dict[str, Any] = json.loads(load.stdout)
        return latency

    def close(self) -> None:
        self.server.terminate()
        self.server.wait(30)


def serve(env: dict[str, str]) -> Api:
    return Api(env)
