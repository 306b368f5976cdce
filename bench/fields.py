"""bench/fields: key fields read from 100 real scanned receipts, and OCR against raw tesseract.

Usage: .venv/bin/python bench/fields.py [--runs 3] [--workers 2] [--corpus ../shared/corpus]

Data: ``../shared/corpus/receipts/`` (100 SROIE receipts: ``img/NNN.jpg``, the
printed lines in ``box/NNN.csv``, the key fields in ``key/NNN.json``). The
receipts are split by sorted file name: even positions (0, 2, 4…) are the
*development* half, the only one whose output was looked at while writing the
rules; odd positions are the *held-out* half, only ever scored. Figures are
given for both halves and for all 100.

For each receipt and each run, two readings, in turn first and last (the order
flips every receipt and every run):

- ``raw``: the tesseract CLI alone, ``-l ita+eng --psm 1 tsv``, ``OMP_THREAD_LIMIT=1``;
- ``pipeline``: `ingest.ocr.ocr_image` (the same languages), as the image extractor calls it.

Reported:

- CER: case-insensitive character error rate (Levenshtein distance / length of
  the reference, whitespace collapsed) of each reading against the receipt's
  printed lines joined in file order; mean and median over the receipts. The
  reference has no separator lines and lines in reading order, so both
  readings pay for junk and for reading order alike.
- CPU: tesseract's CPU seconds per receipt (``getrusage`` of the children of the
  worker process that read it), summed over the receipts, median over the runs,
  and the ratio pipeline / raw (median of each run's own ratio). The
  pipeline's own Python work (measuring and preparing the image) is reported
  apart, as CPU seconds per receipt.
- Fields, from the pipeline's reading of the first run (`nlp.fields.extract_fields`),
  exact match after normalisation: ``date`` the same calendar day (the key's
  printed date read with the same date parser, day first; a key of eight digits
  year first, else day first); ``total`` the same
  amount to the cent (currency sign ignored); ``company`` the same string after
  case folding and collapsing whitespace (``company_loose`` also ignores
  punctuation). A field not found counts as wrong.

A second table compares the two readings on the corpus's pages with a ground
truth (``ocr/phototest.tif``, ``ocr/eurotext.tif``, the rotated phototests):
the pipeline must not read those worse either.

The machine's load is printed: absolute CPU seconds depend on it, the ratio
much less. Prints JSON and markdown tables.

Development set (``--sroie DIR``): the rules were written on the other SROIE
receipts, never on these 99. ``DIR`` is the ``data/`` folder of GitHub
``zzzDavid/ICDAR-2019-SROIE`` (MIT; 626 receipts with ``img/``, ``box/``,
``key/``), filled into a cache outside the repository, e.g.::

    # the fetch tool mirrors github:zzzDavid/ICDAR-2019-SROIE into /work/.mirror, then
    git -C /work/.mirror/zzzDavid+ICDAR-2019-SROIE/repo archive HEAD data | tar -x -C /work/.cache/sroie

With ``--sroie``, no OCR is run: the key fields are found on the ground-truth
lines (each line of ``box/NNN.csv`` as one OCR word with its box) of every
receipt whose image is not byte-identical (SHA-256) to one of the 99, and the
per-field accuracy is printed. It measures the rules alone, not OCR. With
``--sroie DIR --ocr-sample N`` a seeded sample of N of those receipts is read
by the pipeline (``--save-readings`` keeps the readings, ``--readings`` scores
saved ones again without OCR) and the fields and CER of that reading are printed;
``--ocr-skip K`` takes them after the first K of the seeded order (a part of dev not
iterated on).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image

from ingest.ocr import _parse_tsv, _Placement, ocr_image
from nlp.fields import PageWords, extract_fields
from nlp.fields.values import find_dates, parse_amount

LANGUAGES = "ita+eng"
PAGES = [
    ("ocr/phototest.tif", "ocr/phototest.txt"),
    ("ocr/eurotext.tif", "ocr/eurotext.txt"),
    ("ocr/phototest-rotated-180.png", "ocr/phototest.txt"),
    ("ocr/phototest-rotated-R.png", "ocr/phototest.txt"),
]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy row at a time (insertions by a running minimum)."""
    if not a or not b:
        return len(a) + len(b)
    codes = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    ramp = np.arange(len(b) + 1)
    previous = ramp.copy()
    for char in a:
        cost = (codes != ord(char)).astype(np.int64)
        current = np.empty(len(b) + 1, dtype=np.int64)
        current[0] = previous[0] + 1
        current[1:] = np.minimum(previous[:-1] + cost, previous[1:] + 1)
        previous = np.minimum.accumulate(current - ramp) + ramp
    return int(previous[-1])


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def cer(found: str, reference: str) -> float:
    reference = normalise(reference)
    return edit_distance(normalise(found), reference) / max(1, len(reference))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_raw(path: str) -> dict[str, Any]:
    before = children_cpu()
    done = subprocess.run(
        [shutil.which("tesseract") or "tesseract", path, "stdout", "-l", LANGUAGES, "--psm", "1", "tsv"],
        capture_output=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        check=True,
    )
    cpu = children_cpu() - before
    with Image.open(path) as image:
        size = image.size
    result = _parse_tsv(done.stdout.decode("utf-8", "replace"), _Placement(size, size, 0.0, 1.0))
    return {"text": result.text, "cpu": cpu, "own_cpu": 0.0}


def read_pipeline(path: str) -> dict[str, Any]:
    with Image.open(path) as image:
        image.load()
        before, own = children_cpu(), time.process_time()
        result = ocr_image(image, LANGUAGES)
        cpu, own = children_cpu() - before, time.process_time() - own
        size = image.size
    words = [[w.text, w.left, w.top, w.width, w.height, w.line] for w in result.words]
    return {"text": result.text, "cpu": cpu, "own_cpu": own, "words": words, "size": list(size)}


def read_both(path: str, raw_first: bool) -> dict[str, dict[str, Any]]:
    order = [("raw", read_raw), ("pipeline", read_pipeline)]
    if not raw_first:
        order.reverse()
    return {name: read(path) for name, read in order}


def reference_text(box_csv: Path) -> str:
    with box_csv.open(encoding="utf-8", errors="replace", newline="") as file:
        return "\n".join(",".join(row[8:]) for row in csv.reader(file) if len(row) >= 9)


class _Word:
    def __init__(
        self, text: str, left: int, top: int, width: int, height: int, line: int | None = None
    ) -> None:
        self.text, self.left, self.top, self.width, self.height = text, left, top, width, height
        self.line = line  # the OCR line (`ingest.ocr.OcrWord.line`), as the image extractor passes it


def fields_of(reading: dict[str, Any]) -> dict[str, str]:
    width, height = reading["size"]
    words = [_Word(*w[:6]) for w in reading["words"]]
    found = extract_fields([reading["text"]], {1: PageWords(1, width, height, words)})
    return {f.name: f.value for f in found}


def key_date(printed: str) -> str:
    """The key's date as an ISO day; SROIE also writes a few keys as eight digits, as printed on the
    receipt ("20180428" from "DATE/TIME : 20180428/191204", "25032018"): year first when that is a
    day, else day first."""
    dates = find_dates(printed)
    if dates:
        return dates[0].value.isoformat()
    compact = printed.strip()
    if len(compact) == 8 and compact.isdigit():
        for year, month, day in (
            (compact[:4], compact[4:6], compact[6:]),
            (compact[4:], compact[2:4], compact[:2]),
        ):
            try:
                if year[:2] in ("19", "20"):
                    return datetime.date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                continue
    return compact


def key_amount(printed: str) -> float | None:
    number = re.sub(r"[^\d.,]", "", printed)
    parsed = parse_amount(number) if number else None
    return parsed[0] if parsed else None


def company_strict(name: str) -> str:
    return " ".join(name.casefold().split())


def company_loose(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def score_fields(key: dict[str, str], found: dict[str, str]) -> dict[str, bool]:
    total = key_amount(key.get("total", ""))
    got_total = float(found["total"]) if "total" in found else None
    company = key.get("company", "")
    got = found.get("supplier", "")
    return {
        "date": "doc_date" in found and found["doc_date"] == key_date(key.get("date", "")),
        "total": total is not None and got_total is not None and abs(total - got_total) < 0.005,
        "company": bool(got) and company_strict(got) == company_strict(company),
        "company_loose": bool(got) and company_loose(got) == company_loose(company),
    }


def ground_truth_fields(folder: Path, stem: str) -> dict[str, str]:
    """Fields found on a receipt's transcribed lines (each line one word with its box)."""
    words: list[_Word] = []
    with (folder / "box" / f"{stem}.csv").open(encoding="utf-8", errors="replace", newline="") as file:
        for row in csv.reader(file):
            if len(row) >= 9:
                xs, ys = [int(v) for v in row[0:8:2]], [int(v) for v in row[1:8:2]]
                words.append(_Word(",".join(row[8:]), min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    with Image.open(folder / "img" / f"{stem}.jpg") as image:
        width, height = image.size
    return {f.name: f.value for f in extract_fields([""], {1: PageWords(1, width, height, words)})}


def development_stems(sroie: Path, receipts: Path) -> list[str]:
    """The SROIE receipts whose image is not byte-identical to one of ours (nor to another one)."""
    ours = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (receipts / "img").glob("*.jpg")}
    if not ours:
        raise SystemExit(f"no evaluation receipts in {receipts}: pass --corpus")
    seen: set[str] = set()
    stems: list[str] = []
    for path in sorted((sroie / "img").glob("*.jpg")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in ours or digest in seen:  # the evaluation receipts, and duplicates
            continue
        seen.add(digest)
        stems.append(path.stem)
    return stems


def development_ocr(sroie: Path, receipts: Path, args: argparse.Namespace) -> None:
    """Fields and CER of the pipeline's reading of a seeded sample of development receipts."""
    stems = development_stems(sroie, receipts)
    random.Random(15).shuffle(stems)
    stems = stems[args.ocr_skip : args.ocr_skip + args.ocr_sample]
    readings: dict[str, dict[str, Any]] = {}
    if args.readings:
        for line in args.readings.read_text(encoding="utf-8").splitlines():
            if line:
                saved = json.loads(line)
                readings[saved["stem"]] = saved["pipeline"]
        stems = [s for s in stems if s in readings]
    else:
        paths = [str(sroie / "img" / f"{s}.jpg") for s in stems]
        with ProcessPoolExecutor(args.workers) as pool:
            for number, (stem, reading) in enumerate(
                zip(stems, pool.map(read_pipeline, paths), strict=True), 1
            ):
                readings[stem] = reading
                print(f"development {number}/{len(stems)}", file=sys.stderr, flush=True)
                if args.save_readings:
                    with args.save_readings.open("a", encoding="utf-8") as file:
                        file.write(json.dumps({"stem": stem, "pipeline": reading}) + "\n")
    tally = {"date": 0, "total": 0, "company": 0, "company_loose": 0}
    errors = []
    for stem in stems:
        key = json.loads((sroie / "key" / f"{stem}.json").read_text(encoding="utf-8", errors="replace"))
        scored = score_fields(key, fields_of(readings[stem]))
        for name in tally:
            tally[name] += scored[name]
        errors.append(cer(readings[stem]["text"], reference_text(sroie / "box" / f"{stem}.csv")))
    count = max(1, len(stems))
    print(json.dumps({
        "development_receipts_read": len(stems),
        "accuracy": {name: round(hits / count, 3) for name, hits in tally.items()},
        "cer_pipeline_mean": round(statistics.mean(errors), 4) if errors else None,
        "cer_pipeline_median": round(statistics.median(errors), 4) if errors else None,
        "pipeline_tesseract_cpu_s": round(sum(readings[s]["cpu"] for s in stems), 1),
    }))  # fmt: skip


def development_fields(sroie: Path, receipts: Path) -> None:
    """Per-field accuracy on the ground-truth lines of the SROIE receipts that are not among ours."""
    tally = {"date": 0, "total": 0, "company": 0, "company_loose": 0}
    count = 0
    for stem in development_stems(sroie, receipts):
        path = sroie / "img" / f"{stem}.jpg"
        key = json.loads((sroie / "key" / f"{path.stem}.json").read_text(encoding="utf-8", errors="replace"))
        scored = score_fields(key, ground_truth_fields(sroie, path.stem))
        count += 1
        for name in tally:
            tally[name] += scored[name]
    accuracy = {name: round(hits / max(1, count), 3) for name, hits in tally.items()}
    print(json.dumps({"development_receipts": count, "ground_truth_lines": True, "accuracy": accuracy}))


def summarise(stems: Sequence[str], per: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rows = [per[s] for s in stems]
    accuracy = {
        name: round(sum(r["fields"][name] for r in rows) / len(rows), 3)
        for name in ("date", "total", "company", "company_loose")
    }
    return {
        "receipts": len(rows),
        "accuracy": accuracy,
        "cer_raw_mean": round(statistics.mean(r["cer_raw"] for r in rows), 4),
        "cer_pipeline_mean": round(statistics.mean(r["cer_pipeline"] for r in rows), 4),
        "cer_raw_median": round(statistics.median(r["cer_raw"] for r in rows), 4),
        "cer_pipeline_median": round(statistics.median(r["cer_pipeline"] for r in rows), 4),
        "pipeline_worse_by_over_0.02": sum(r["cer_pipeline"] > r["cer_raw"] + 0.02 for r in rows),
    }


def score(receipts: Path, readings: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """CER of both readings and the fields of the pipeline's, per receipt."""
    per: dict[str, dict[str, Any]] = {}
    for stem, first in readings.items():
        reference = reference_text(receipts / "box" / f"{stem}.csv")
        key = json.loads((receipts / "key" / f"{stem}.json").read_text(encoding="utf-8"))
        found = fields_of(first["pipeline"])
        per[stem] = {
            "cer_raw": cer(first["raw"]["text"], reference),
            "cer_pipeline": cer(first["pipeline"]["text"], reference),
            "fields": score_fields(key, found),
            "found": found,
            "key": key,
        }
    return per


def fields_only(receipts: Path, halves: dict[str, list[str]], readings: dict[str, Any]) -> None:
    """Fields and CER of saved readings, per half, and each development receipt's misses."""
    per = score(receipts, readings)
    for half, members in halves.items():
        if members:
            raw = sum(readings[s]["raw"]["cpu"] for s in members)
            pipe = sum(readings[s]["pipeline"]["cpu"] for s in members)
            own = sum(readings[s]["pipeline"]["own_cpu"] for s in members)
            cpu = {
                "raw_tesseract_cpu_s": round(raw, 1),
                "pipeline_tesseract_cpu_s": round(pipe, 1),
                "pipeline_python_cpu_s": round(own, 1),
                "ratio_pipeline_to_raw": round(pipe / raw, 3),
            }
            print(half, json.dumps({**summarise(members, per), "cpu_one_run": cpu}))
    for stem in halves["development"]:
        wrong = [name for name, ok in per[stem]["fields"].items() if not ok and name != "company_loose"]
        if wrong:
            print(stem, wrong, per[stem]["found"], per[stem]["key"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="only the first N receipts (a quick look)")
    parser.add_argument("--json", type=Path, help="also write the full per-receipt results here")
    parser.add_argument(
        "--save-readings", type=Path, help="append every reading of the first run here (JSON lines)"
    )
    parser.add_argument(
        "--readings", type=Path, help="score fields on readings saved before (no OCR, no CPU figures)"
    )
    parser.add_argument(
        "--sroie", type=Path, help="development set: SROIE's data/ folder (see the docstring); fields only"
    )
    parser.add_argument(
        "--ocr-sample",
        type=int,
        default=0,
        help="with --sroie: read N development receipts (seeded sample) with the pipeline; fields and CER",
    )
    parser.add_argument(
        "--ocr-skip",
        type=int,
        default=0,
        help="with --ocr-sample: leave out the first N of the seeded order (a held-out part of dev)",
    )
    args = parser.parse_args()
    receipts = args.corpus / "receipts"
    if args.sroie and args.ocr_sample:
        development_ocr(args.sroie, receipts, args)
        return
    if args.sroie:
        development_fields(args.sroie, receipts)
        return
    every = sorted(p.stem for p in (receipts / "img").glob("*.jpg"))
    stems = every[: args.limit] if args.limit else every
    saved = None
    if args.readings:
        lines = [json.loads(line) for line in args.readings.read_text(encoding="utf-8").splitlines() if line]
        saved = {line.pop("stem"): line for line in lines}
    if saved is not None:
        stems = [s for s in stems if s in saved]
    # the split is by position among all the receipts, whatever subset is read
    halves = {
        "development": [s for s in every[0::2] if s in stems],
        "held_out": [s for s in every[1::2] if s in stems],
        "all": stems,
    }
    if saved is not None:
        fields_only(receipts, halves, {s: saved[s] for s in stems})
        return
    load_before = os.getloadavg()
    runs: list[dict[str, dict[str, dict[str, Any]]]] = []
    with ProcessPoolExecutor(args.workers) as pool:
        for run in range(args.runs):
            paths = [str(receipts / "img" / f"{s}.jpg") for s in stems]
            flips = [(i + run) % 2 == 0 for i in range(len(stems))]
            readings: dict[str, dict[str, dict[str, Any]]] = {}
            for number, (stem, reading) in enumerate(
                zip(stems, pool.map(read_both, paths, flips), strict=True), 1
            ):
                readings[stem] = reading
                print(f"run {run + 1}/{args.runs}: {number}/{len(stems)}", file=sys.stderr, flush=True)
                if run == 0 and args.save_readings:  # one JSON object per line, as they come
                    with args.save_readings.open("a", encoding="utf-8") as file:
                        file.write(json.dumps({"stem": stem, **reading}) + "\n")
            runs.append(readings)
        page_paths = [str(args.corpus / image) for image, _ in PAGES]
        page_reads = list(pool.map(read_both, page_paths, [True] * len(PAGES)))
    per = score(receipts, runs[0])
    cpu: dict[str, Any] = {}
    for half, members in halves.items():
        raw = [sum(r[s]["raw"]["cpu"] for s in members) for r in runs]
        pipe = [sum(r[s]["pipeline"]["cpu"] for s in members) for r in runs]
        own = [sum(r[s]["pipeline"]["own_cpu"] for s in members) for r in runs]
        cpu[half] = {
            "raw_tesseract_cpu_s_per_receipt": round(statistics.median(raw) / len(members), 3),
            "pipeline_tesseract_cpu_s_per_receipt": round(statistics.median(pipe) / len(members), 3),
            "pipeline_python_cpu_s_per_receipt": round(statistics.median(own) / len(members), 3),
            "ratio_pipeline_to_raw": round(
                statistics.median(p / r for p, r in zip(pipe, raw, strict=True)), 3
            ),
            "ratio_with_python": round(
                statistics.median((p + o) / r for p, o, r in zip(pipe, own, raw, strict=True)), 3
            ),
        }
    pages = {}
    for (image, truth), read in zip(PAGES, page_reads, strict=True):
        reference = (args.corpus / truth).read_text(encoding="utf-8")
        pages[image] = {
            "cer_raw": round(cer(read["raw"]["text"], reference), 4),
            "cer_pipeline": round(cer(read["pipeline"]["text"], reference), 4),
        }
    report = {
        "runs": args.runs,
        "workers": args.workers,
        "load_average_before": [round(v, 1) for v in load_before],
        "load_average_after": [round(v, 1) for v in os.getloadavg()],
        "cores": os.cpu_count(),
        "halves": {half: summarise(members, per) for half, members in halves.items()},
        "cpu": cpu,
        "pages_with_ground_truth": pages,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"report": report, "receipts": per}, indent=1, default=str))
    print("\n| half | n | date | total | company | company (loose) | CER raw | CER pipeline | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for half, data in report["halves"].items():
        acc = data["accuracy"]
        print(
            f"| {half} | {data['receipts']} | {acc['date']:.2f} | {acc['total']:.2f} | "
            f"{acc['company']:.2f} | {acc['company_loose']:.2f} | "
            f"{data['cer_raw_mean']:.3f} | {data['cer_pipeline_mean']:.3f} | "
            f"{cpu[half]['ratio_pipeline_to_raw']:.2f} |"
        )


if __name__ == "__main__":
    main()
