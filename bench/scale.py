"""bench/scale: ingest throughput with 1 and 2 worker processes, and search latency under load.

Usage: .venv/bin/python bench/scale.py [--runs 1] [--corpus ../shared/corpus]

The at-scale set-up, for real, on loopback: a PostgreSQL server (catalog + queue), an
OpenSearch node (built from Maven Central jars), `faldone worker` processes sharing the
queue and the archive, and the API. For 1 and then 2 worker processes (one extraction
child each), the same mixed corpus (bench/ingest.py's) is queued into a fresh database
and index, and the time to drain the queue is measured (each worker first loads its models on a small
warm-up batch, outside the clock). Then, in a third run, while 2 workers ingest, a second
process (bench/search_load.py) sends a bounded stream of searches through the API and
reports p50/p95 latency.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    files = mixed_corpus(args.corpus)
    results: dict[int, list[dict[str, object]]] = {1: [], 2: []}
    load_runs: list[dict[str, object]] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        start_postgres() as pg,
        start_opensearch(Path(tmp) / "os") as node,
    ):
        for run in range(args.runs):
            for workers in (1, 2):
                url = pg.create_database(f"scale_{workers}_{run}")
                results[workers].append(
                    ingest_run(workers, files, url, node.url, f"scale-{workers}-{run}", False)
                )
            url = pg.create_database(f"scale_load_{run}")
            load_runs.append(ingest_run(2, files, url, node.url, f"scale-load-{run}", True))
    one = statistics.median(float(r["docs_per_s"]) for r in results[1])  # type: ignore[arg-type]
    two = statistics.median(float(r["docs_per_s"]) for r in results[2])  # type: ignore[arg-type]
    print(
        json.dumps(
            {
                "bench": "scale",
                "files": len(files),
                "runs": results,
                "median_docs_per_s": {"1": one, "2": two},
                "ratio_2_to_1": round(two / one, 2),
                "search_while_2_workers_ingest": load_runs,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
