"""bench/search_growth: how search latency and index size grow with the archive.

Usage: .venv/bin/python bench/search_growth.py [--sizes 50000,200000,1000000] [--cache /tmp/faldone-bench]
                                               [--run] [--runs 3]

With ``--run``, runs ``bench/search.py --docs N --engines embedded`` for every size (each
builds and caches its own corpus in ``--cache``; the 1M corpus repeats the Debian paragraphs
with other second pages, see ``bench/search_corpus.py``); without it, reads the results
those runs left (``<cache>/search-results-<N>.json``). Prints, per query kind, the embedded
backend's p50 and p95 through the API at each size, and the growth exponent ``b`` of
``latency ∝ size^b`` (least squares on log-log over the sizes): b < 1 is sub-linear growth.
Index bytes per document are printed per size (stable means b ≈ 1 for the size itself).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
KINDS = ("term", "and", "phrase", "filtered_faceted")


def exponent(sizes: list[int], values: list[float]) -> float:
    """The slope of log(value) over log(size), least squares."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(v, 1e-9)) for v in values]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def growth(results: dict[int, dict[str, Any]]) -> dict[str, Any]:
    sizes = sorted(results)
    api = {n: results[n]["engines"]["embedded"]["api"] for n in sizes}
    table: dict[str, Any] = {}
    for kind in KINDS:
        p50 = [api[n][kind]["p50_ms"] for n in sizes]
        p95 = [api[n][kind]["p95_ms"] for n in sizes]
        table[kind] = {
            "p50_ms": dict(zip(sizes, p50, strict=True)),
            "p95_ms": dict(zip(sizes, p95, strict=True)),
            "p50_exponent": round(exponent(sizes, p50), 3),
            "p95_exponent": round(exponent(sizes, p95), 3),
        }
    index = {n: results[n]["engines"]["embedded"]["index"] for n in sizes}
    table["bytes_per_document"] = {n: round(index[n]["bytes"] / index[n]["docs"]) for n in sizes}
    table["load_average_1m"] = {n: results[n]["machine"]["load_average_1m"] for n in sizes}
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="50000,200000,1000000")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/faldone-bench"))
    parser.add_argument("--run", action="store_true", help="run bench/search.py for every size first")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if len(sizes) < 2:
        raise SystemExit("--sizes: at least two sizes")
    if args.run:
        for size in sizes:
            command = [sys.executable, str(REPO / "bench" / "search.py"), "--docs", str(size)]
            command += ["--cache", str(args.cache), "--runs", str(args.runs), "--engines", "embedded"]
            subprocess.run(command, check=True)
    results = {n: json.loads((args.cache / f"search-results-{n}.json").read_text()) for n in sizes}
    table = growth(results)
    print(json.dumps(table, indent=1))
    print()
    print("| kind | " + " | ".join(f"p50 / p95 ms at {n:,}" for n in sizes) + " | exponent p50 / p95 |")
    print("|---" * (len(sizes) + 2) + "|")
    for kind in KINDS:
        row = table[kind]
        cells = [f"{row['p50_ms'][n]} / {row['p95_ms'][n]}" for n in sizes]
        print(f"| {kind} | " + " | ".join(cells) + f" | {row['p50_exponent']} / {row['p95_exponent']} |")
    per_doc = table["bytes_per_document"]
    print("| index bytes per document | " + " | ".join(f"{per_doc[n]:,}" for n in sizes) + " | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
