"""bench/ingest --case mail: a mailbox import, messages per second and CPU per stage.

Usage: .venv/bin/python bench/ingest_mail.py [--messages N] [--runs 1] [--cache /work/.cache/faldone-mail]
                                             [--nlp-processes 1,2]

The corpus is a Maildir of ≥ 10,000 real public messages built in ``--cache`` by
`bench/mail_corpus.py` (read it for the sources and how to fill the cache). ``--messages``
takes an evenly spread subset (default: all of them).

Each run starts from an empty data folder, queues every message file (``enqueue_paths``:
hashing, archive copy, one job each), runs one worker until the queue is empty (models
loaded and the extraction children started before the clock, as in a running worker), and
reports:

- messages/s and documents/s (attachments are documents too) over the wall time;
- CPU seconds per message per stage: **parse** (the extraction children: type detection,
  MIME parsing, attachments; every child's CPU, from ``RUSAGE_CHILDREN`` once they have
  exited, less what children already alive before the clock had spent (NLP processes
  loading their models, extraction children importing their code); with
  ``--nlp-processes`` 2+ it includes their NLP),
  **nlp**, **index** (tantivy ``index`` + ``commit`` in the indexing thread),
  **catalog** (the indexing thread's catalog reads and ``complete``), **enqueue**, and
  **other** (the rest of the worker process: the claiming loop, moving outcomes between
  processes, tantivy's own writer and merge threads);
Without ``--nlp-processes`` a run uses the product's setting (``FALDONE_NLP_PROCESSES`` if
set, otherwise one NLP process per core, at most 4);
``--nlp-processes 1,2`` compares settings of ``FALDONE_NLP_PROCESSES`` (`ingest.nlp_processes`):
every round runs each of them once, in alternating order, and the medians per setting are
reported with their ratio to the first.

- each core's busy fraction over the run, from ``/proc/stat``. That is the whole machine:
  on a shared machine other work counts too, so ``own share`` (this run's CPU seconds over
  wall time × cores) is reported beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.mail_corpus import build_maildir
from core.catalog import Catalog
from core.settings import Settings
from index.backends import open_backend
from ingest.sources import enqueue_paths
from ingest.worker import Worker
from nlp.embedding import forget_recent

STAGES = ("parse", "nlp", "index", "catalog", "enqueue", "other")


def cpu_ticks() -> dict[str, tuple[int, int]]:
    """(busy, total) jiffies per core from /proc/stat."""
    ticks: dict[str, tuple[int, int]] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name != "cpu":
            numbers = [int(v) for v in values[:8]]
            idle = numbers[3] + numbers[4]  # idle + iowait
            ticks[name] = (sum(numbers) - idle, sum(numbers))
    return ticks


def busy_fraction(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> dict[str, float]:
    return {
        core: round((after[core][0] - before[core][0]) / max(1, after[core][1] - before[core][1]), 3)
        for core in before
    }


def live_children_cpu() -> float:
    """CPU seconds already spent by this process's live children (e.g. NLP processes loading models)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def pick(files: list[Path], count: int | None) -> list[Path]:
    if count is None or count >= len(files):
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def one_run(files: list[Path], nlp_processes: int = 1) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            nlp_processes=nlp_processes,
            _env_file=None,  # type: ignore[call-arg]
        )
        settings.ensure_dirs()
        catalog = Catalog(settings.resolved_catalog_url)
        backend = open_backend(settings, writer=True)
        worker = Worker(settings, catalog, backend)
        worker.annotator.load_models()  # before the clock starts, as in a running worker,
        forget_recent()  # passages an earlier run of this process embedded are encoded again
        worker.pool.start()  # and so are the extraction children (their start-up CPU is not counted)
        ticks, load = cpu_ticks(), os.getloadavg()[0]
        own, children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
        before_clock = live_children_cpu()  # reaped later, counted then: not part of this run
        start = time.perf_counter()
        enqueue_cpu = time.thread_time()
        enqueue_paths(files, settings, catalog)
        enqueue_cpu = time.thread_time() - enqueue_cpu
        worker.run(until_empty=True)  # closes its extraction pool: the children are reaped
        wall = time.perf_counter() - start
        after_own, after_children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
        busy = busy_fraction(ticks, cpu_ticks())
        status = catalog.status()
        backend.close()
        catalog.close()
    process_cpu = (after_own.user - own.user) + (after_own.system - own.system)
    child_cpu = (after_children.ru_utime - children.ru_utime) + (after_children.ru_stime - children.ru_stime)
    child_cpu = max(0.0, child_cpu - before_clock)
    cpu = {"parse": child_cpu, **worker.stage_cpu, "enqueue": enqueue_cpu}
    cpu["other"] = max(0.0, process_cpu - sum(worker.stage_cpu.values()) - enqueue_cpu)
    return {
        "nlp_processes": nlp_processes,
        "seconds": round(wall, 1),
        "messages": len(files),
        "documents": status.documents,
        "done": status.done,
        "failed": status.failed,
        "messages_per_s": round(len(files) / wall, 2),
        "documents_per_s": round(status.documents / wall, 2),
        "cpu_s_per_message": {stage: round(cpu[stage] / len(files), 4) for stage in STAGES},
        "cpu_s_total": round(process_cpu + child_cpu, 1),
        "cpu_s_children_before_clock": round(before_clock, 1),  # their start-up: not counted above
        "busy": busy,
        "own_share": round((process_cpu + child_cpu) / (wall * (os.cpu_count() or 1)), 3),
        "load_average_1m": {"start": round(load, 2), "end": round(os.getloadavg()[0], 2)},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=None, help="an evenly spread subset")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path("/work/.cache/faldone-mail"))
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument(
        "--nlp-processes", default=None, help="comma-separated settings to compare (default: the product's)"
    )
    args = parser.parse_args()
    if args.nlp_processes is None:
        settings = [Settings(_env_file=None).nlp_processes]  # type: ignore[call-arg]
    else:
        settings = [int(n) for n in args.nlp_processes.split(",")]
    maildir = build_maildir(args.cache, args.mirrors)
    files = pick(sorted((maildir / "cur").iterdir()), args.messages)
    runs: list[dict[str, Any]] = []
    for round_ in range(args.runs):
        order = settings if round_ % 2 == 0 else settings[::-1]
        for processes in order:
            runs.append(one_run(files, processes))
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    medians = {
        n: statistics.median(r["messages_per_s"] for r in runs if r["nlp_processes"] == n) for n in settings
    }
    summary = {
        "bench": "ingest --case mail",
        "command": " ".join(["bench/ingest.py --case mail", *sys.argv[1:]]),
        "messages": len(files),
        "runs": runs,
        "median_messages_per_s": medians,
        "ratio_to_first": {n: round(medians[n] / medians[settings[0]], 2) for n in settings},
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
