"""bench/ocr: OCR pages per second, Faldone's pipeline against raw tesseract, in one run.

Usage: .venv/bin/python bench/ocr.py [--runs 3] [--workers N] [--corpus ../shared/corpus]

The pages: every scanned page of the corpus that is a full page (jbig2.pdf,
greek.pdf) plus the pages of the corpus's digital letters and reports rendered
as 300 dpi grayscale scans (udhr_ger.pdf, the-dorset-food-menu.pdf,
106972554.pdf, italian/letters): A4 pages at 300 dpi, rasterised once into PNG
files before anything is timed.

Each run measures three ways of reading the same pages, each using every core:

- ``raw``: the tesseract CLI with Faldone's settings (``-l ita+eng --psm 1 tsv``,
  ``OMP_THREAD_LIMIT=1``), N processes at a time (N = cores);
- ``pipeline_files``: one job per page image through the extraction pool
  (N children: detection, the image extractor, OCR with its retry rule);
- ``pipeline_tiff``: all pages in one multi-page TIFF, one job: its pages are
  spread over the cores inside the extraction child (CPU tokens shared by the pool).

The three modes run back to back in each run, in turn first and last (the
order is reversed every other run), so a slow spell of the machine does not
land on one mode only. For each mode the run records pages/s and how busy all
cores were (from /proc/stat: 1.0 = every core busy the whole time). The ratio
to raw is given both as median pages/s over median raw pages/s and as the
median of each run's own ratio.

NLP and indexing are not included (see bench/ingest.py). Prints JSON and a
markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pypdfium2 as pdfium
from PIL import Image

from core.archive import Archive
from core.catalog import JobSpec
from core.settings import Settings
from ingest.pool import ExtractionPool

SCANS = ["ingest-file/jbig2.pdf", "ingest-file/greek.pdf"]
RENDERED = [
    "ingest-file/udhr_ger.pdf",
    "ingest-file/the-dorset-food-menu.pdf",
    "ingest-file/106972554.pdf",
    "italian/letters/01124548.pdf",
    "italian/letters/30122583.pdf",
]
LANGUAGES = "ita+eng"


def rasterise(corpus: Path, folder: Path) -> list[Path]:
    """Every page at 300 dpi, grayscale, as PNG (what the PDF extractor hands to OCR)."""
    pages: list[Path] = []
    for name in SCANS + RENDERED:
        pdf = pdfium.PdfDocument(corpus / name)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                image = page.render(scale=300 / 72, grayscale=True).to_pil()
                path = folder / f"{Path(name).stem}-{index + 1:03d}.png"
                image.save(path)
                pages.append(path)
                page.close()
        finally:
            pdf.close()
    return pages


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from the first line of /proc/stat."""
    fields = [float(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def run_raw(pages: list[Path], workers: int) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    binary = shutil.which("tesseract") or "tesseract"

    def one(path: Path) -> None:
        command = [binary, str(path), "stdout", "-l", LANGUAGES, "--psm", "1", "tsv"]
        subprocess.run(command, capture_output=True, env=env, check=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - start


def _jobs(archive: Archive, files: list[Path], first_id: int) -> list[JobSpec]:
    jobs = []
    for offset, path in enumerate(files):
        sha = archive.store_file(path)
        jobs.append(JobSpec(first_id + offset, sha, path.name, "bench", str(path), 1))
    return jobs


def run_pipeline(pool: ExtractionPool, jobs: list[JobSpec], expected_pages: int) -> float:
    start = time.perf_counter()
    outcomes = pool.run(jobs)
    elapsed = time.perf_counter() - start
    pages = 0
    for outcome in outcomes.values():
        if outcome.error is not None:
            raise RuntimeError(f"pipeline failed: {outcome.error}")
        pages += sum(1 for page in outcome.documents[0].pages if page.ocr)
    if pages != expected_pages:
        raise RuntimeError(f"pipeline OCRed {pages} pages, expected {expected_pages}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus"
    )
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pages").mkdir()
        pages = rasterise(args.corpus, folder / "pages")
        tiff = folder / "all-pages.tif"
        frames = [Image.open(p) for p in pages]
        frames[0].save(tiff, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(300, 300))
        for frame in frames:
            frame.close()
        settings = Settings(  # type: ignore[call-arg]
            data_dir=folder / "data",
            worker_concurrency=args.workers,
            job_timeout_seconds=3600,
            _env_file=None,
        )
        settings.ensure_dirs()
        archive = Archive(settings.archive_dir)
        pool = ExtractionPool(settings)
        pool.run(_jobs(archive, [pages[0]], 10_000_000))  # children started and warm before timing
        modes = ["raw", "pipeline_files", "pipeline_tiff"]
        results: dict[str, list[float]] = {mode: [] for mode in modes}
        busy: dict[str, list[float]] = {mode: [] for mode in modes}
        next_id = 1
        for run in range(args.runs):
            for mode in modes if run % 2 == 0 else modes[::-1]:
                if mode == "raw":
                    before = cpu_times()
                    elapsed = run_raw(pages, args.workers)
                else:
                    jobs = _jobs(archive, pages if mode == "pipeline_files" else [tiff], next_id)
                    next_id += len(jobs)
                    before = cpu_times()
                    elapsed = run_pipeline(pool, jobs, len(pages))
                after = cpu_times()
                results[mode].append(len(pages) / elapsed)
                busy[mode].append((after[0] - before[0]) / max(1.0, after[1] - before[1]))
        pool.close()
    medians = {name: statistics.median(values) for name, values in results.items()}
    run_ratios = {
        name: statistics.median(v / raw for v, raw in zip(values, results["raw"], strict=True))
        for name, values in results.items()
    }
    report = {
        "bench": "ocr",
        "pages": len(pages),
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "runs": args.runs,
        "pages_per_s": {name: [round(v, 3) for v in values] for name, values in results.items()},
        "cores_busy": {name: [round(v, 3) for v in values] for name, values in busy.items()},
        "median_pages_per_s": {name: round(v, 3) for name, v in medians.items()},
        "ratio_of_medians": {name: round(v / medians["raw"], 3) for name, v in medians.items()},
        "median_ratio_per_run": {name: round(v, 3) for name, v in run_ratios.items()},
    }
    print(json.dumps(report, indent=2))
    print()
    print(
        f"| mode ({len(pages)} A4 pages, 300 dpi, {args.workers} workers) | median pages/s "
        "| ratio of medians | median ratio per run | cores busy (median) |"
    )
    print("|---|---|---|---|---|")
    for name, value in medians.items():
        print(
            f"| {name} | {value:.3f} | {value / medians['raw']:.2f} | {run_ratios[name]:.2f} "
            f"| {statistics.median(busy[name]):.2f} |"
        )


if __name__ == "__main__":
    main()
