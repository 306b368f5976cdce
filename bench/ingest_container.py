"""bench/ingest_container: one archive of many large identical and near-identical text
members, queued ahead of the mixed corpus: does the worker stay small, and do its
extraction slots stay busy while NLP works?

Usage: .venv/bin/python bench/ingest_container.py [--runs 3] [--members 72] [--kb 320]
       [--others N] [--corpus ../shared/corpus]

The archive is built from a real text of the corpus (``ingest-file/udhr_ger.txt``)
repeated to `--kb` KB; half the members are byte-identical, the other half differ by
one line each. Each run is a fresh process (so its peak RSS is its own) with an empty
data folder: it queues the archive, then the mixed corpus of ``bench/ingest.py``, and
runs one worker until the queue is empty. It samples every 0.2 s the worker's RSS
and how many extraction slots are idle while jobs still wait in the queue. Printed:
the median over runs of the wall time, the peak RSS of the worker process (VmHWM;
the extraction children are separate processes and not counted) and the share of
samples in which a slot was idle although a job was queued ("idle while work
waits"), and the mean share of slots holding a job over the samples taken while jobs
were queued ("slots busy while work waits"). Not measured: the children's memory,
and OCR (the mixed corpus has none).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import mixed_corpus
from core.catalog import Catalog
from core.settings import Settings
from index.backends import open_backend
from ingest.sources import enqueue_paths
from ingest.worker import Worker
from nlp.embedding import forget_recent


def build_container(corpus: Path, folder: Path, members: int, kb: int) -> Path:
    base = (corpus / "ingest-file/udhr_ger.txt").read_text(encoding="utf-8")
    text = (base + "\n") * (1 + kb * 1024 // len(base.encode("utf-8")))
    path = folder / "many-large-texts.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(members):
            body = text if number % 2 == 0 else f"Copia numero {number}\n{text}"
            archive.writestr(f"testi/lettera-{number:03d}.txt", body)
    path.write_bytes(buffer.getvalue())
    return path


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def one_run(corpus: Path, members: int, kb: int, others: int | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", _env_file=None)  # type: ignore[call-arg]
        settings.ensure_dirs()
        catalog = Catalog(settings.resolved_catalog_url)
        backend = open_backend(settings, writer=True)
        worker = Worker(settings, catalog, backend)
        worker.annotator.load_models()  # before the clock starts
        forget_recent()  # passages an earlier run of this process embedded are encoded again
        container = build_container(corpus, Path(tmp), members, kb)
        samples: list[tuple[bool, int]] = []
        busy_shares: list[float] = []  # share of slots holding a job, sampled while jobs wait
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                slots = list(worker.pool._slots)
                idle = any(slot.job is None for slot in slots)
                waiting = catalog.status().queued > 0
                samples.append((idle and waiting, _rss_kb("VmRSS")))
                if waiting and slots:
                    busy_shares.append(sum(slot.job is not None for slot in slots) / len(slots))

        start = time.perf_counter()
        enqueue_paths([container], settings, catalog)
        enqueue_paths(mixed_corpus(corpus)[:others], settings, catalog)
        monitor = threading.Thread(target=sample, daemon=True)
        monitor.start()
        worker.run(until_empty=True)
        elapsed = time.perf_counter() - start
        stop.set()
        monitor.join()
        documents = catalog.count_documents()
        backend.close()
    idle_share = sum(1 for idle, _ in samples if idle) / max(1, len(samples))
    return {
        "seconds": round(elapsed, 1),
        "documents": documents,
        "peak_rss_mb": round(_rss_kb("VmHWM") / 1024, 1),
        "idle_while_work_waits": round(idle_share, 3),
        "slots_busy_while_work_waits": round(statistics.fmean(busy_shares), 3) if busy_shares else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--members", type=int, default=72)
    parser.add_argument("--kb", type=int, default=320)
    parser.add_argument("--others", type=int, default=None, help="only the first N files of the mixed corpus")
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus"
    )
    args = parser.parse_args()
    if args.single:
        print(json.dumps(one_run(args.corpus, args.members, args.kb, args.others)))
        return
    runs = []
    for _ in range(args.runs):  # a fresh process per run: VmHWM is per process
        command = [sys.executable, __file__, "--single", "--members", str(args.members), "--kb", str(args.kb)]
        command += ["--others", str(args.others)] if args.others is not None else []
        out = subprocess.run(
            [*command, "--corpus", str(args.corpus)], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        json.dumps(
            {
                "bench": "ingest_container",
                "members": args.members,
                "member_kb": args.kb,
                "other_files": args.others,
                "runs": runs,
                "median_seconds": statistics.median(r["seconds"] for r in runs),
                "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
                "median_idle_while_work_waits": statistics.median(r["idle_while_work_waits"] for r in runs),
                "median_slots_busy_while_work_waits": statistics.median(
                    r["slots_busy_while_work_waits"] for r in runs
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
