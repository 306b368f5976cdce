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

- CPU seconds per message of the worker's child processes by role, sampled from
  ``/proc/<pid>/stat`` every 0.2 s while they live (``by_process``): **extraction** (the
  extraction children) and **nlp_processes** (the NLP processes), each counted from the clock's
  start (or from the child's start); a child's CPU after its last sample is missed: its
  exit (interpreter teardown), which the ``parse`` column counts;
- each core's busy fraction over the run, from ``/proc/stat`` (``busy``: user, nice,
  system, irq and softirq time over all of the core's time) and its ``steal`` fraction
  (time the hypervisor ran something else while this guest wanted the core; neither busy
  nor idle here). What ``busy`` does not measure: whose work it was. It is the whole
  machine, so other sessions' work counts too; ``own share`` (this run's CPU seconds over
  wall time × cores, every process of the import) is reported beside it. Nor does it say
  how fast a busy core went (a shared vCPU, frequency).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
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


def cpu_ticks() -> dict[str, tuple[int, int, int]]:
    """(busy, steal, total) jiffies per core from /proc/stat."""
    ticks: dict[str, tuple[int, int, int]] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name != "cpu":
            # user nice system idle iowait irq softirq steal (guest time is inside user already)
            user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in values[:8])
            total = sum(int(v) for v in values[:8])
            ticks[name] = (user + nice + system + irq + softirq, steal, total)
    return ticks


def busy_fraction(
    before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]], field: int = 0
) -> dict[str, float]:
    """Per core, the share of its time that was busy (`field` 0) or stolen (1) between the readings."""
    return {
        core: round((after[core][field] - before[core][field]) / max(1, after[core][2] - before[core][2]), 3)
        for core in before
    }


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a live process has spent; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ChildSampler:
    """CPU of the worker's children by role, read every 0.2 s from /proc while they live."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._clock_started = False
        self.sample()  # the clock starts now: what the children spent before is not counted
        self._clock_started = True
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._thread.start()

    def roles(self) -> dict[int, str]:
        pids = {s.process.pid: "extraction" for s in self.worker.pool._slots if s.process.pid}
        executor = self.worker.processes._pool if self.worker.processes is not None else None
        if executor is not None:
            pids.update({pid: "nlp_processes" for pid in list(executor._processes)})
        return pids

    def sample(self) -> None:
        for pid, role in self.roles().items():
            cpu = process_cpu(pid)
            if cpu is not None:
                self.first.setdefault(
                    pid, 0.0 if self._clock_started else cpu
                )  # a child started later: all of it
                self.last[pid] = (role, cpu)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()

    def stop(self) -> dict[str, float]:
        """CPU seconds per role since the clock started."""
        self._stop.set()
        self._thread.join()
        spent: dict[str, float] = {"extraction": 0.0, "nlp_processes": 0.0}
        for pid, (role, cpu) in self.last.items():
            spent[role] += cpu - self.first[pid]
        return spent


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
        sampler = ChildSampler(worker)
        start = time.perf_counter()
        enqueue_cpu = time.thread_time()
        enqueue_paths(files, settings, catalog)
        enqueue_cpu = time.thread_time() - enqueue_cpu
        worker.run(until_empty=True, on_batch=lambda _: sampler.sample())  # closes its children
        wall = time.perf_counter() - start
        by_process = sampler.stop()
        after_own, after_children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
        ticks_after = cpu_ticks()
        busy, steal = busy_fraction(ticks, ticks_after), busy_fraction(ticks, ticks_after, field=1)
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
        "by_process": {role: round(cpu / len(files), 4) for role, cpu in by_process.items()},
        "cpu_s_total": round(process_cpu + child_cpu, 1),
        "cpu_s_children_before_clock": round(before_clock, 1),  # their start-up: not counted above
        "busy": busy,
        "steal": steal,
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
