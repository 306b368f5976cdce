"""bench/search: indexing speed, index size and API latency, embedded backend vs an OpenSearch node.

Usage: .venv/bin/python bench/search.py [--docs 200000] [--cache /tmp/faldone-bench]
                                        [--requests 300] [--warmup 30] [--concurrency 1]

1. Builds (once, cached in ``--cache``) a corpus of ``--docs`` documents of real Italian
   and English text from the Debian documentation (see ``bench/search_corpus.py``;
   needs ``apt-get install -y`` of the packages it lists).
2. Indexes it into a fresh embedded (tantivy) index and into a fresh OpenSearch 2.19 node
   started from ``tests/services/opensearch.py``, through each backend's own ``index`` and
   ``commit``: documents per second and index size on disk for each.
3. Serves each index through the real API (``uvicorn --factory api.asgi:app`` on
   127.0.0.1, one process, auth off) and measures, from a separate load-generator process
   (``bench/search_load.py``, httpx, bounded closed loop), p50/p95 latency of four query
   kinds: term, AND of two words, phrase, and a filtered + faceted query (two filters and
   the API's eight default facets). Term, AND and phrase ask for no facets. Every request
   returns 20 hits with highlights. Query words are drawn, with a fixed seed, from the
   corpus vocabulary (mid-frequency words, co-occurring pairs, frequent bigrams).
   The same queries are also timed straight on each backend, in process (no HTTP, no
   FastAPI): the difference is the API's share.
4. Checks that both backends report the same number of hits for the measured queries.

Writes ``<cache>/search-results.json`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from api.routes.search import DEFAULT_FACETS  # noqa: E402
from bench.search_corpus import build_corpus, load_corpus, to_document  # noqa: E402
from index.backend import SearchBackend, SearchRequest  # noqa: E402
from index.backends.cluster import ClusterBackend  # noqa: E402
from index.backends.embedded import EmbeddedBackend  # noqa: E402
from tests.services.opensearch import free_port, start_opensearch  # noqa: E402

_BATCH = 1_000
_WORD = re.compile(r"[^\W\d_]{5,}")
_PAIR = re.compile(r"[^\W\d_]{4,} [^\W\d_]{4,}")
_ALIAS = "faldone"


def _batches(corpus: Path) -> Any:
    records = load_corpus(corpus)
    while batch := list(islice(records, _BATCH)):
        yield [to_document(record) for record in batch]


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def index_embedded(corpus: Path, folder: Path, docs: int) -> dict[str, Any]:
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    backend = EmbeddedBackend(folder, writer=True)
    for batch in _batches(corpus):
        backend.index(batch)
    backend.commit()
    count = backend.count()
    backend.close()  # waits for merges
    seconds = time.perf_counter() - started
    return {
        "docs": count,
        "seconds": round(seconds, 1),
        "docs_per_s": round(docs / seconds),
        "bytes": _dir_size(folder),
    }


def index_cluster(corpus: Path, url: str, docs: int) -> dict[str, Any]:
    started = time.perf_counter()
    backend = ClusterBackend(url, _ALIAS, writer=True)
    backend.start_rebuild()  # as `faldone reindex` does: a fresh index, then the alias moves
    for batch in _batches(corpus):
        backend.index(batch)
    backend.finish_rebuild()
    seconds = time.perf_counter() - started
    count = backend.count()
    size = backend.client.index_size(_ALIAS)
    backend.close()
    return {"docs": count, "seconds": round(seconds, 1), "docs_per_s": round(docs / seconds), "bytes": size}


def make_queries(corpus: Path, per_kind: int = 50, sample: int = 20_000) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(7)
    texts = [" ".join(r["pages"]).lower() for r in islice(load_corpus(corpus), sample)]
    frequency: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for text in texts:
        frequency.update(set(_WORD.findall(text)))
        bigrams.update(set(_PAIR.findall(text)))
    middle = sorted(w for w, n in frequency.items() if sample * 0.002 <= n <= sample * 0.03)
    words = rng.sample(middle, per_kind)
    pairs: list[str] = []
    for text in rng.sample(texts, len(texts)):
        found = sorted({w for w in _WORD.findall(text) if w in set(middle)})
        if len(found) >= 2:
            pairs.append(" ".join(rng.sample(found, 2)))
        if len(pairs) == per_kind:
            break
    common = sorted(b for b, n in bigrams.items() if n >= 20)
    phrases = [f'"{b}"' for b in rng.sample(common, min(per_kind, len(common)))]
    none = {"facets": ""}
    return {
        "term": [{"q": w, **none} for w in words],
        "and": [{"q": p, **none} for p in pairs],
        "phrase": [{"q": p, **none} for p in phrases],
        "filtered_faceted": [
            {"q": w, "filter": [f"language:{('it', 'en')[i % 2]}", "type:pdf"]} for i, w in enumerate(words)
        ],
    }


def backend_latency(
    backend: SearchBackend, queries: dict[str, list[dict[str, Any]]], count: int
) -> dict[str, Any]:
    """The same queries straight on the backend, in this process: the API's share is the difference."""
    result: dict[str, Any] = {}
    for kind, params in queries.items():
        requests = []
        for param in params:
            facets = [] if param.get("facets") == "" else list(DEFAULT_FACETS)
            filters: dict[str, list[str]] = {}
            for item in param.get("filter", []):
                name, _, value = item.partition(":")
                filters.setdefault(name, []).append(value)
            requests.append(SearchRequest(query=param["q"], filters=filters, facets=facets, limit=20))
        for request in requests[:10]:  # warm-up
            backend.search(request)
        latencies = []
        for request in islice(cycle(requests), count):
            started = time.perf_counter()
            backend.search(request)
            latencies.append((time.perf_counter() - started) * 1000)
        latencies.sort()
        result[kind] = {
            "p50_ms": round(statistics.median(latencies), 2),
            "p95_ms": round(latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)], 2),
        }
    return result


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.asgi:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the API did not start on {url}")


def measure(
    env: dict[str, str], queries_file: Path, args: argparse.Namespace
) -> tuple[dict[str, Any], list[int]]:
    server, url = serve(env)
    try:
        queries = json.loads(queries_file.read_text())
        totals = [
            int(httpx.get(f"{url}/api/search", params=q, timeout=60).json()["total"])
            for kind in queries.values()
            for q in kind
        ]
        command = [
            sys.executable,
            str(REPO / "bench" / "search_load.py"),
            f"{url}/api/search",
            str(queries_file),
        ]
        command += ["--requests", str(args.requests), "--warmup", str(args.warmup)]
        command += ["--concurrency", str(args.concurrency)]
        load = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=True,
        )
        latency: dict[str, Any] = json.loads(load.stdout)
        latency["load_average_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine
        return latency, totals
    finally:
        server.terminate()
        server.wait(30)


def _table(results: dict[str, Any]) -> str:
    emb, clu = results["embedded"], results["opensearch"]
    lines = [
        "| | embedded (tantivy) | OpenSearch 2.19 node | OpenSearch / embedded |",
        "|---|---|---|---|",
        f"| indexing, docs/s | {emb['index']['docs_per_s']:,} | {clu['index']['docs_per_s']:,} | "
        f"{clu['index']['docs_per_s'] / emb['index']['docs_per_s']:.2f}× |",
        f"| index size, MB | {emb['index']['bytes'] / 1e6:,.0f} | {clu['index']['bytes'] / 1e6:,.0f} | "
        f"{clu['index']['bytes'] / emb['index']['bytes']:.2f}× |",
    ]
    for where, label in (("latency", "API"), ("in_process", "backend only")):
        for kind in (k for k in emb[where] if k != "load_average_1m"):
            e, c = emb[where][kind], clu[where][kind]
            ratio = f"{c['p50_ms'] / e['p50_ms']:.1f}× / {c['p95_ms'] / e['p95_ms']:.1f}×"
            lines.append(
                f"| {kind} ({label}): p50 / p95 ms | {e['p50_ms']} / {e['p95_ms']} | "
                f"{c['p50_ms']} / {c['p95_ms']} | {ratio} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/faldone-bench"))
    parser.add_argument("--requests", type=int, default=300, help="measured requests per query kind")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests per query kind first")
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    cache: Path = args.cache
    print(f"corpus: {args.docs} documents in {cache}", flush=True)
    corpus = build_corpus(cache, args.docs)
    queries_file = cache / "queries.json"
    queries_file.write_text(json.dumps(make_queries(corpus), ensure_ascii=False, indent=1))

    data_embedded, data_cluster = cache / "data-embedded", cache / "data-cluster"
    for folder in (data_embedded, data_cluster):
        shutil.rmtree(folder, ignore_errors=True)
    print("indexing: embedded", flush=True)
    embedded_index = index_embedded(corpus, data_embedded / "index", args.docs)
    print(f"  {embedded_index}", flush=True)
    node_dir = cache / "opensearch-node"
    shutil.rmtree(node_dir, ignore_errors=True)
    with start_opensearch(node_dir) as node:
        print(f"indexing: OpenSearch at {node.url}", flush=True)
        cluster_index = index_cluster(corpus, node.url, args.docs)
        print(f"  {cluster_index}", flush=True)
        queries = json.loads(queries_file.read_text())
        print("latency in process (no API)", flush=True)
        readers: list[SearchBackend] = [
            EmbeddedBackend(data_embedded / "index", writer=False),
            ClusterBackend(node.url, _ALIAS, writer=False),
        ]
        embedded_direct, cluster_direct = (backend_latency(b, queries, args.requests) for b in readers)
        for reader in readers:
            reader.close()
        common = {"FALDONE_AUTH_DISABLED": "true", "OMP_THREAD_LIMIT": "1"}
        print("latency: embedded", flush=True)
        embedded_latency, embedded_totals = measure(
            {**common, "FALDONE_DATA_DIR": str(data_embedded), "FALDONE_SEARCH_BACKEND": "embedded"},
            queries_file,
            args,
        )
        print("latency: OpenSearch", flush=True)
        cluster_latency, cluster_totals = measure(
            {
                **common,
                "FALDONE_DATA_DIR": str(data_cluster),
                "FALDONE_SEARCH_BACKEND": "cluster",
                "FALDONE_CLUSTER_URL": node.url,
                "FALDONE_CLUSTER_INDEX": _ALIAS,
            },
            queries_file,
            args,
        )
    different = sum(a != b for a, b in zip(embedded_totals, cluster_totals, strict=True))
    results = {
        "docs": args.docs,
        "command": " ".join(["bench/search.py", *sys.argv[1:]]),
        "machine": {"cpus": os.cpu_count()},
        "embedded": {"index": embedded_index, "latency": embedded_latency, "in_process": embedded_direct},
        "opensearch": {"index": cluster_index, "latency": cluster_latency, "in_process": cluster_direct},
        "same_totals": {"queries": len(embedded_totals), "different": different},
    }
    (cache / "search-results.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))
    print()
    print(_table(results))
    print(f"\nhit counts equal on {len(embedded_totals) - different} of {len(embedded_totals)} queries")
    print(
        f"1-minute load average while measuring: embedded {embedded_latency['load_average_1m']}, "
        f"OpenSearch {cluster_latency['load_average_1m']} ({os.cpu_count()} CPUs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
