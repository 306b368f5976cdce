"""Load generator of bench/search: runs in its own process, prints latencies as JSON.

Usage: python bench/search_load.py URL QUERIES.json [--requests 300] [--warmup 30] [--concurrency 1]

Bounded closed loop: each of `--concurrency` threads sends one request, waits for the
answer, sends the next; every query kind gets `--warmup` unmeasured then `--requests`
measured requests, cycling through its query list. Latency is the client's wall time of
the whole HTTP exchange (FastAPI + backend + JSON), in milliseconds.

The client is the standard library's `http.client`, one keep-alive connection per thread,
the query string encoded before the clock starts: the figure is the server's answer and
the socket, not a client library's own work (httpx added about 0.5 ms to an empty
`/healthz` and 1-4 ms to a search answer of ~25 KB on this machine).

Where the time goes: the API's ``Server-Timing`` header names its stages (auth, parse,
catalog, the backend's own stages, serialise, audit); each stage's median over the
measured requests is reported, and ``http`` is the client's time minus every server
stage (the socket, uvicorn, FastAPI's routing and parameter parsing).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit


def server_stages(header: str) -> dict[str, float]:
    """``name;dur=1.5, other;dur=2`` → ``{"name": 1.5, "other": 2.0}``."""
    stages: dict[str, float] = {}
    for item in header.split(","):
        name, _, rest = item.strip().partition(";")
        for param in rest.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "dur" and name:
                stages[name] = stages.get(name, 0.0) + float(value)
    return stages


def _run(
    url: str,
    params: list[dict[str, Any]],
    count: int,
    threads: int,
    breakdown: list[dict[str, float]] | None = None,
) -> list[float]:
    parts = urlsplit(url)
    targets = itertools.cycle([f"{parts.path}?{urlencode(query, doseq=True)}" for query in params])
    lock = threading.Lock()
    latencies: list[float] = []
    remaining = [count]

    def worker() -> None:
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        while True:
            with lock:
                if remaining[0] <= 0:
                    connection.close()
                    return
                remaining[0] -= 1
                target = next(targets)
            started = time.perf_counter()
            connection.request("GET", target)
            answer = connection.getresponse()
            body = answer.read()
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status != 200:
                raise SystemExit(f"{answer.status} for {target}: {body[:300]!r}")
            stages = server_stages(answer.getheader("server-timing") or "")
            stages["http"] = max(0.0, elapsed - sum(stages.values()))
            with lock:
                latencies.append(elapsed)
                if breakdown is not None:
                    breakdown.append(stages)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("queries", type=Path)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    kinds: dict[str, list[dict[str, Any]]] = json.loads(args.queries.read_text())
    result: dict[str, Any] = {}
    for kind, params in kinds.items():
        _run(args.url, params, args.warmup, args.concurrency)
        breakdown: list[dict[str, float]] = []
        latencies = _run(args.url, params, args.requests, args.concurrency, breakdown)
        names = list(dict.fromkeys(name for stages in breakdown for name in stages))
        result[kind] = {
            "requests": len(latencies),
            "p50_ms": round(statistics.median(latencies), 2),
            "p95_ms": round(_percentile(latencies, 0.95), 2),
            "max_ms": round(max(latencies), 2),
            "stages_p50_ms": {
                name: round(statistics.median(s.get(name, 0.0) for s in breakdown), 3) for name in names
            },
        }
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
