"""bench/search: indexing speed, index size and search latency, embedded backend vs cluster nodes.

Usage: .venv/bin/python bench/search.py [--docs 200000] [--cache /tmp/faldone-bench] [--runs 3]
                                        [--requests 300] [--warmup 30] [--concurrency 1]
                                        [--engines embedded,opensearch,elasticsearch] [--no-phrase-pairs]

1. Builds (once, cached in ``--cache``) a corpus of ``--docs`` documents of real Italian
   and English text from the Debian documentation (see ``bench/search_corpus.py``;
   needs ``apt-get install -y`` of the packages it lists).
2. Indexes it into a fresh embedded (tantivy) index and into a fresh OpenSearch 2.19 node
   and a fresh Elasticsearch 8.19 node (``tests/services/``), through each backend's own
   ``index`` and ``commit``: documents per second and index size on disk for each.
3. Measures four query kinds: term, AND of two words, phrase, and a filtered + faceted
   query (two filters and the API's eight default facets). Term, AND and phrase ask for
   no facets. Every request returns 20 hits with highlights. Query words are drawn, with
   a fixed seed, from the corpus vocabulary (mid-frequency words, co-occurring pairs,
   frequent bigrams). For every engine, in each of ``--runs`` rounds:
   - *in process*: the backend's ``search`` called straight (no HTTP, no FastAPI);
   - *API*: the real API (``uvicorn --factory api.asgi:app``, one process, auth off, one per
     engine, started once) from a separate load-generator process (``bench/search_load.py``);
   - for the embedded index, *floor*: raw tantivy, the compiled query's top 20 and count
     as the backend runs them (for the faceted kind: top 20 without counting, then one
     aggregation counting the matches and their facets), no stored fields, no highlights.
   Every measurement gets the same warm-up (``--warmup`` requests per kind). The engines'
   order rotates from round to round, and in process / API swap places every other round.
   Reported: the median over rounds of each round's p50 and p95, with the range of the
   rounds' p95, and the median time per stage (the API's ``Server-Timing`` header).
4. Checks that every engine reports the same number of hits for the measured queries.

The embedded index is built and served with the setting ``phrase_pairs`` as by default
(word-pair fields, `index.backends.embedded_pairs`); ``--no-phrase-pairs`` turns it off (phrases
read positions, as before 3 December 2026); give that run its own ``--cache``.

Writes ``<cache>/search-results-<docs>.json`` and prints markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from collections import Counter
from contextlib import ExitStack, closing
from itertools import islice
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.search_corpus import build_corpus, load_corpus, to_document  # noqa: E402
from bench.search_measure import Api, backend_latency, floor_latency, serve  # noqa: E402
from index.backend import SearchBackend  # noqa: E402
from index.backends.cluster import ClusterBackend  # noqa: E402
from index.backends.embedded import EmbeddedBackend  # noqa: E402
from tests.services.elasticsearch import start_elasticsearch  # noqa: E402
from tests.services.opensearch import start_opensearch  # noqa: E402

_BATCH = 1_000
_WORD = re.compile(r"[^\W\d_]{5,}")
_PAIR = re.compile(r"[^\W\d_]{4,} [^\W\d_]{4,}")
_ALIAS = "faldone"
QUERY_KINDS = ("term", "and", "phrase", "filtered_faceted")


def _batches(corpus: Path) -> Any:
    records = load_corpus(corpus)
    while batch := list(islice(records, _BATCH)):
        yield [to_document(record) for record in batch]


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def index_embedded(corpus: Path, folder: Path, docs: int, pairs: bool = True) -> dict[str, Any]:
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    backend = EmbeddedBackend(folder, writer=True, pairs=pairs)
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


_ENGINES = {
    "opensearch": ("OpenSearch 2.19", start_opensearch),
    "elasticsearch": ("Elasticsearch 8.19", start_elasticsearch),
}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Per kind: the median over rounds of p50 and p95, the range of p95, and stage medians."""
    combined: dict[str, Any] = {}
    for kind in rounds[0]:
        p50s = [r[kind]["p50_ms"] for r in rounds]
        p95s = [r[kind]["p95_ms"] for r in rounds]
        names = list(dict.fromkeys(n for r in rounds for n in r[kind].get("stages_p50_ms", {})))
        combined[kind] = {
            "p50_ms": round(statistics.median(p50s), 2),
            "p95_ms": round(statistics.median(p95s), 2),
            "p95_range_ms": [min(p95s), max(p95s)],
            "p50_rounds": p50s,
            "p95_rounds": p95s,
            "stages_p50_ms": {
                n: round(statistics.median(r[kind].get("stages_p50_ms", {}).get(n, 0.0) for r in rounds), 3)
                for n in names
            },
        }
    return combined


def measure_all(
    engines: dict[str, tuple[SearchBackend, Api]],
    queries_file: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Every place of every engine, `--runs` rounds; plus the load average's range while measuring."""
    queries = json.loads(queries_file.read_text())
    names = list(engines)
    rounds: dict[str, dict[str, list[dict[str, Any]]]] = {
        n: {"in_process": [], "api": [], "floor": []} for n in names
    }
    loads: list[float] = []
    for round_ in range(args.runs):
        shift = round_ % len(names)
        order = names[shift:] + names[:shift]
        for name in order:
            backend, api = engines[name]
            places = ["in_process", "api"] if round_ % 2 == 0 else ["api", "in_process"]
            if isinstance(backend, EmbeddedBackend):
                places.append("floor")
            for place in places:
                print(f"round {round_ + 1}: {name} {place} (load {_load()})", flush=True)
                loads.append(_load())
                if place == "in_process":
                    found = backend_latency(backend, queries, args.requests, args.warmup)
                elif place == "api":
                    found = api.latency(queries_file, args.requests, args.warmup, args.concurrency)
                else:
                    assert isinstance(backend, EmbeddedBackend)
                    found = floor_latency(backend, queries, args.requests, args.warmup)
                rounds[name][place].append(found)
    result: dict[str, Any] = {
        name: {place: _combine(found) for place, found in by_place.items() if found}
        for name, by_place in rounds.items()
    }
    result["load_average_1m"] = {"min": min(loads), "max": max(loads)}
    return result


def _cell(e: dict[str, Any]) -> str:
    low, high = e["p95_range_ms"]
    return f"{e['p50_ms']} / {e['p95_ms']} ({low}–{high})"


def tables(results: dict[str, Any]) -> str:
    engines = [n for n in results["engines"]]
    labels = {"embedded": "embedded (tantivy)", **{k: v[0] for k, v in _ENGINES.items()}}
    head = "| | " + " | ".join(labels[n] for n in engines) + " |"
    lines = [head, "|---" * (len(engines) + 1) + "|"]
    for what, key, scale, unit in (
        ("indexing", "docs_per_s", 1, "docs/s"),
        ("index size", "bytes", 1e6, "MB"),
    ):
        values = [results["engines"][n]["index"][key] / scale for n in engines]
        lines.append(f"| {what}, {unit} | " + " | ".join(f"{v:,.0f}" for v in values) + " |")
    lines.append(
        "| bytes per document | "
        + " | ".join(f"{results['engines'][n]['index']['bytes'] / results['docs']:,.0f}" for n in engines)
        + " |"
    )
    for place, label in (("api", "API"), ("in_process", "in process"), ("floor", "raw tantivy floor")):
        for kind in QUERY_KINDS:
            cells = [
                _cell(results["engines"][n][place][kind]) if place in results["engines"][n] else "—"
                for n in engines
            ]
            lines.append(f"| {kind} ({label}): p50 / p95 ms (p95 range) | " + " | ".join(cells) + " |")
    out = ["\n".join(lines), ""]
    for n in engines:
        stages = results["engines"][n]["api"]
        names = list(dict.fromkeys(s for kind in QUERY_KINDS for s in stages[kind]["stages_p50_ms"]))
        out.append(f"Where the time goes through the API, {labels[n]}: median ms per stage")
        out.append("")
        out.append("| kind | " + " | ".join(names) + " | client p50 |")
        out.append("|---" * (len(names) + 2) + "|")
        for kind in QUERY_KINDS:
            got = stages[kind]["stages_p50_ms"]
            out.append(
                f"| {kind} | "
                + " | ".join(f"{got.get(s, 0.0):.2f}" for s in names)
                + f" | {stages[kind]['p50_ms']} |"
            )
        out.append("")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/faldone-bench"))
    parser.add_argument("--runs", type=int, default=3, help="rounds; medians are taken over them")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per query kind")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests per query kind first")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--engines", default="embedded,opensearch,elasticsearch")
    on_off = argparse.BooleanOptionalAction
    parser.add_argument("--phrase-pairs", action=on_off, default=True, help="embedded index with word pairs")
    args = parser.parse_args()
    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    if "embedded" not in wanted or any(e not in ("embedded", *_ENGINES) for e in wanted):
        raise SystemExit(f"--engines: embedded plus any of {', '.join(_ENGINES)}")
    cache: Path = args.cache
    print(f"corpus: {args.docs} documents in {cache} (load {_load()})", flush=True)
    corpus = build_corpus(cache, args.docs)
    queries_file = cache / f"queries-{args.docs}.json"
    queries_file.write_text(json.dumps(make_queries(corpus), ensure_ascii=False, indent=1))
    common = {"FALDONE_AUTH_DISABLED": "true", "OMP_THREAD_LIMIT": "1"}
    indexing: dict[str, dict[str, Any]] = {}
    engines: dict[str, tuple[SearchBackend, Api]] = {}
    with ExitStack() as stack:
        data = cache / f"data-embedded-{args.docs}"
        print(f"indexing: embedded (load {_load()})", flush=True)
        indexing["embedded"] = index_embedded(corpus, data / "index", args.docs, args.phrase_pairs)
        print(f"  {indexing['embedded']}", flush=True)
        env = {**common, "FALDONE_DATA_DIR": str(data), "FALDONE_SEARCH_BACKEND": "embedded"}
        env["FALDONE_PHRASE_PAIRS"] = str(args.phrase_pairs).lower()
        embedded = EmbeddedBackend(data / "index", writer=False, pairs=args.phrase_pairs)
        stack.callback(embedded.close)
        engines["embedded"] = (embedded, stack.enter_context(closing(serve(env))))
        for name in (e for e in wanted if e in _ENGINES):
            node_dir = cache / f"{name}-node"
            shutil.rmtree(node_dir, ignore_errors=True)
            node = stack.enter_context(_ENGINES[name][1](node_dir))
            print(f"indexing: {name} at {node.url} (load {_load()})", flush=True)
            indexing[name] = index_cluster(corpus, node.url, args.docs)
            print(f"  {indexing[name]}", flush=True)
            reader = ClusterBackend(node.url, _ALIAS, writer=False)
            stack.callback(reader.close)
            folder = cache / f"data-{name}-{args.docs}"
            shutil.rmtree(folder, ignore_errors=True)
            env = {
                **common,
                "FALDONE_DATA_DIR": str(folder),
                "FALDONE_SEARCH_BACKEND": "cluster",
                "FALDONE_CLUSTER_URL": node.url,
                "FALDONE_CLUSTER_INDEX": _ALIAS,
            }
            engines[name] = (reader, stack.enter_context(closing(serve(env))))
        queries = json.loads(queries_file.read_text())
        totals = {name: api.totals(queries) for name, (_, api) in engines.items()}
        measured = measure_all(engines, queries_file, args)
    reference = totals["embedded"]
    results = {
        "docs": args.docs,
        "command": " ".join(["bench/search.py", *sys.argv[1:]]),
        "machine": {"cpus": os.cpu_count(), "load_average_1m": measured.pop("load_average_1m")},
        "engines": {name: {"index": indexing[name], **measured[name]} for name in engines},
        "same_totals": {
            name: {
                "queries": len(found),
                "different": sum(a != b for a, b in zip(reference, found, strict=True)),
            }
            for name, found in totals.items()
            if name != "embedded"
        },
    }
    (cache / f"search-results-{args.docs}.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))
    print()
    print(tables(results))
    for name, same in results["same_totals"].items():
        equal = same["queries"] - same["different"]
        print(f"hit counts equal to embedded on {equal} of {same['queries']} queries: {name}")
    load = results["machine"]["load_average_1m"]
    print(f"1-minute load average while measuring: {load['min']}–{load['max']} ({os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
