"""bench/scale: ingest throughput with 1 and 2 worker processes, on Elasticsearch and on
OpenSearch, and search latency under load.

Usage: .venv/bin/python bench/scale.py [--runs 3] [--engines elasticsearch,opensearch]
                                       [--files N] [--no-load] [--corpus ../shared/corpus]

``--files N`` keeps the first N files of the corpus (the e-mails come first) for a quicker
run; ``--no-load`` skips the search-under-ingest run.

The at-scale set-up, for real, on loopback: a PostgreSQL server (catalog + queue), an
Elasticsearch 8.19 node and an OpenSearch 2.19 node (built from Maven Central jars, see
tests/services), `faldone worker` processes sharing the queue and the archive, and the API.
For each engine and each run, 1 and 2 worker processes (one extraction child each; the
order alternates from run to run) ingest the same mixed corpus (bench/ingest.py's) into a
fresh database and index, and the time to drain the queue is measured (each worker first
loads its models on a small warm-up batch, outside the clock). The medians over the runs
and their ratio are reported per engine. Then, once per engine, while 2 workers ingest, a
second process (bench/search_load.py) sends a bounded stream of searches through the API
and reports p50/p95 latency.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import mixed_corpus  # noqa: E402
from core.catalog import Catalog  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.sources import enqueue_paths  # noqa: E402
from tests.services.elasticsearch import start_elasticsearch  # noqa: E402
from tests.services.opensearch import start_opensearch  # noqa: E402
from tests.services.postgres import start_postgres  # noqa: E402
from tests.web.conftest import free_port  # noqa: E402

QUERIES = {
    "term": [{"q": w, "limit": 10} for w in ("message", "invoice", "attachment", "mail", "test", "date")],
    "filtered_faceted": [
        {"q": "mail", "filter": "type:email", "facets": "type,language,sender", "limit": 10},
        {"q": "test", "filter": "language:en", "facets": "type,category", "limit": 10},
    ],
}


def ingest_run(
    workers: int, files: list[Path], pg_url: str, os_url: str, tag: str, load: bool
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "FALDONE_DATA_DIR": str(Path(tmp) / "data"),
            "FALDONE_CATALOG_URL": pg_url,
            "FALDONE_SEARCH_BACKEND": "cluster",
            "FALDONE_CLUSTER_URL": os_url,
            "FALDONE_CLUSTER_INDEX": tag,
            "FALDONE_WORKER_CONCURRENCY": "1",
            "FALDONE_NLP_PROCESSES": "1",  # one core per worker: the figures scale workers, not NLP processes
            "FALDONE_AUTH_DISABLED": "true",
            "OMP_THREAD_LIMIT": "1",
        }
        settings = Settings(data_dir=Path(tmp) / "data", catalog_url=pg_url, _env_file=None)  # type: ignore[call-arg]
        settings.ensure_dirs()
        catalog = Catalog(pg_url)
        processes: list[subprocess.Popen[bytes]] = []
        latency: dict[str, object] = {}
        try:
            # Warm-up: each worker loads its models on a first small batch, outside the clock.
            enqueue_paths(files[-2 * workers :], settings, catalog)
            for _ in range(workers):
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "cli.main", "worker"],
                        env=env,
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            while catalog.status().queued + catalog.status().running > 0:
                time.sleep(0.2)
            warm = catalog.count_documents()
            start = time.perf_counter()
            enqueue_paths(files[: -2 * workers], settings, catalog)
            if load:
                port = free_port()
                api = subprocess.Popen(
                    [sys.executable, "-m", "cli.main", "serve", "--no-worker"],
                    env={**env, "FALDONE_PORT": str(port)},
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                processes.append(api)
                queries = Path(tmp) / "queries.json"
                queries.write_text(json.dumps(QUERIES))
                time.sleep(8)  # the API process starts; workers are already ingesting
                out = subprocess.run(
                    [
                        sys.executable,
                        str(ROOT / "bench" / "search_load.py"),
                        f"http://127.0.0.1:{port}/api/search",
                        str(queries),
                        "--requests",
                        "200",
                        "--warmup",
                        "20",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                latency = json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr[-500:]}
                latency["queue_left_when_load_ended"] = catalog.status().queued
            while catalog.status().queued + catalog.status().running > 0:
                time.sleep(0.5)
            elapsed = time.perf_counter() - start
            documents = catalog.count_documents() - warm
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(30)
            catalog.close()
        return {
            "workers": workers,
            "seconds": round(elapsed, 2),
            "documents": documents,
            "docs_per_s": round(documents / elapsed, 2),
            "search_under_ingest": latency,
        }


STARTERS = {"elasticsearch": start_elasticsearch, "opensearch": start_opensearch}


def engine_runs(
    engine: str, files: list[Path], runs: int, pg: object, tmp: Path, load: bool
) -> dict[str, object]:
    create_database = pg.create_database  # type: ignore[attr-defined]
    results: dict[int, list[dict[str, object]]] = {1: [], 2: []}
    with STARTERS[engine](tmp / engine) as node:
        for run in range(runs):
            for workers in (1, 2) if run % 2 == 0 else (2, 1):  # alternate the order
                url = create_database(f"scale_{engine}_{workers}_{run}")
                results[workers].append(
                    ingest_run(workers, files, url, node.url, f"scale-{workers}-{run}", False)
                )
        under_load: dict[str, object] = {}
        if load:
            url = create_database(f"scale_{engine}_load")
            under_load = ingest_run(2, files, url, node.url, "scale-load", True)
    one = statistics.median(float(r["docs_per_s"]) for r in results[1])  # type: ignore[arg-type]
    two = statistics.median(float(r["docs_per_s"]) for r in results[2])  # type: ignore[arg-type]
    return {
        "runs": results,
        "median_docs_per_s": {"1": one, "2": two},
        "ratio_2_to_1": round(two / one, 2),
        "search_while_2_workers_ingest": under_load,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="elasticsearch,opensearch")
    parser.add_argument("--files", type=int, default=0, help="only the first N files (0: all)")
    parser.add_argument("--no-load", action="store_true", help="skip the search-under-ingest run")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    files = mixed_corpus(args.corpus)
    if args.files:
        files = files[: args.files]
    report: dict[str, object] = {"bench": "scale", "files": len(files), "runs": args.runs}
    report["load_average_at_start"] = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, start_postgres() as pg:
        for engine in args.engines.split(","):
            report[engine] = engine_runs(engine, files, args.runs, pg, Path(tmp), not args.no_load)
    report["load_average_at_end"] = os.getloadavg()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
