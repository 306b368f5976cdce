"""bench/semantic: search by meaning (#21) on public data: quality, cross-lingual recall, cost.

Usage (the data come from the ``fetch`` tool's mirrors, outside the repo; see below):

    nice -n 10 .venv/bin/python bench/semantic.py --parts quality,xling
    flock /work/bench.lock nice -n 10 .venv/bin/python bench/semantic.py --parts latency,cost [--runs 3]

The quality parts measure no time and may run beside other work; the timing parts
(latency, cost) run under the bench lock so that two timings never overlap.

Data (fetched with the search tool's ``fetch`` into ``/work/.mirror``; ``--mirror`` to move it):

- **Cranfield** (1,400 aeronautics abstracts, 225 queries, graded relevance judgments), from
  ``noramtboraas/information-retrieval`` @ 4ea1b8e0 (``cran.all.1400``, ``cran.qry``,
  ``cranqrel``). The collection is the classic Cranfield II test collection (Cleverdon,
  1967); the repository states no licence, and neither does the collection's usual source.
- **Tatoeba Italian-English** (1,000 aligned sentence pairs, the LASER test set), from
  ``facebookresearch/LASER`` @ 74bc6ae7 (``data/tatoeba/v1/tatoeba.ita-eng.{ita,eng}``;
  LASER: BSD licence; the sentences are Tatoeba's, CC BY 2.0 FR).
- Italian distractors for the cross-lingual pool: the Italian texts of
  ``../shared/nlp-corpus`` (read, never copied).

What is measured (all through Faldone's own code: `nlp.passages`, the embedded backend,
`index.semantic`, and for latency the real API in process through ASGI):

1. **nDCG@10 on Cranfield**, keyword vs semantic vs hybrid. The keyword query is the
   query's words OR-ed (BM25 over them: Cranfield queries are whole sentences, and an AND
   of 10-20 words finds almost nothing); hybrid fuses that keyword list with the meaning of
   the sentence. Gains: Cranfield grade 1..4 -> 4..1 (-1: not relevant).
2. **Cross-lingual top-10 rate** on Tatoeba: every English sentence as a query, restricted
   to Italian documents (``filter=language:it``): is its translation among the first 10?
   And Italian -> English the same way. The pool is the 1,000 translations plus the
   Italian distractors (far fewer than 50,000: no larger Italian-English corpus could be
   brought here; the figure says how large the pool was).
3. **Latency through the API** (``GET /api/search`` on the Cranfield index, in process via
   httpx's ASGI transport, embedding of the query included), p50/p95 per mode.
4. **Indexing cost of embeddings**: the worker's NLP + indexing stage (annotator, passages,
   tantivy + vectors, commit) on ``--docs-cost`` Cranfield documents with and without
   passages, order alternating over ``--runs`` rounds; documents per second and the ratio.

Not measured: a 200,000-document archive (the issue asks latency at that size; this runs
on 1,400), the cluster backends, extraction/OCR (the ingestion ratio here is of the NLP and
index stage only). The machine is shared: the load average is written beside each figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.document import Document, Page  # noqa: E402
from index.backend import SearchRequest  # noqa: E402
from index.backends.embedded import EmbeddedBackend  # noqa: E402
from nlp.embedding import embed  # noqa: E402
from nlp.passages import embed_passages  # noqa: E402

CRANFIELD = ("noramtboraas+information-retrieval", "4ea1b8e02da1db64b68b0364d50620b3c95528dc")
LASER = ("facebookresearch+LASER", "74bc6ae7ffb7cba670fe0f428d0ede9f666fb821")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _git_show(mirror: Path, repo: tuple[str, str], path: str) -> str:
    git_dir = mirror / repo[0] / "repo"
    if not git_dir.exists():
        raise SystemExit(
            f"missing {git_dir}: fetch github:{repo[0].replace('+', '/')} with the fetch tool first"
        )
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{repo[1]}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def load() -> float:
    return round(os.getloadavg()[0], 2)


# -- Cranfield ----------------------------------------------------------------------------------


def _fields(text: str) -> list[dict[str, str]]:
    records: list[dict[str, str]] = []
    for chunk in re.split(r"^\.I ", text, flags=re.M)[1:]:
        number, _, rest = chunk.partition("\n")
        record = {"id": number.strip()}
        for match in re.finditer(r"^\.([A-Z])\n(.*?)(?=^\.[A-Z]\n|\Z)", rest, flags=re.M | re.S):
            record[match.group(1)] = " ".join(match.group(2).split())
        records.append(record)
    return records


def cranfield(mirror: Path) -> tuple[list[Document], list[tuple[str, str]], dict[str, dict[str, int]]]:
    docs = []
    for record in _fields(_git_show(mirror, CRANFIELD, "cran.all.1400")):
        doc = Document(
            id=f"cran-{record['id']}",
            sha256=record["id"].rjust(64, "0"),
            filename=f"cran-{record['id']}.txt",
            mime_type="text/plain",
            size=len(record.get("W", "")),
            source="cranfield",
            root_id=f"cran-{record['id']}",
            title=record.get("T", ""),
            pages=[Page(1, f"{record.get('T', '')}.\n\n{record.get('W', '')}")],
        )
        doc.annotations.language = "en"
        docs.append(doc)
    # Queries are numbered by position (1..225) in cranqrel, not by their .I field.
    queries = [
        (str(n), q.get("W", "")) for n, q in enumerate(_fields(_git_show(mirror, CRANFIELD, "cran.qry")), 1)
    ]
    qrels: dict[str, dict[str, int]] = {}
    for line in _git_show(mirror, CRANFIELD, "cranqrel").splitlines():
        parts = line.split()
        if len(parts) >= 3 and 1 <= int(parts[2]) <= 4:
            qrels.setdefault(parts[0], {})[f"cran-{parts[1]}"] = 5 - int(parts[2])
    return docs, queries, qrels


def ndcg10(ranked: list[str], judged: dict[str, int]) -> float:
    dcg = sum((2 ** judged.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(judged.values(), reverse=True)[:10]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def keyword_query(text: str) -> str:
    return " OR ".join(dict.fromkeys(w.lower() for w in _WORD.findall(text)))


def vector_of(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in embed([text])[0])


def quality(
    backend: EmbeddedBackend, queries: list[tuple[str, str]], qrels: dict[str, dict[str, int]]
) -> Any:
    scores: dict[str, list[float]] = {"keyword": [], "semantic": [], "hybrid": []}
    for number, text in queries:
        if number not in qrels:
            continue
        words, vector = keyword_query(text), vector_of(text)
        requests = {
            "keyword": SearchRequest(query=words, limit=10, highlight=False),
            "semantic": SearchRequest(mode="semantic", vector=vector, limit=10, highlight=False),
            "hybrid": SearchRequest(query=words, mode="hybrid", vector=vector, limit=10, highlight=False),
        }
        for mode, request in requests.items():
            scores[mode].append(ndcg10([h.id for h in backend.search(request).hits], qrels[number]))
    means = {mode: round(statistics.fmean(values), 4) for mode, values in scores.items()}
    return {
        "queries": len(scores["keyword"]),
        "ndcg@10": means,
        "hybrid_over_keyword": round(means["hybrid"] / means["keyword"], 3),
    }


# -- cross-lingual ------------------------------------------------------------------------------


def _sentence_doc(doc_id: str, text: str, language: str) -> Document:
    doc = Document(
        id=doc_id,
        sha256=doc_id.rjust(64, "0")[:64],
        filename=f"{doc_id}.txt",
        mime_type="text/plain",
        size=len(text),
        source="tatoeba",
        root_id=doc_id,
        pages=[Page(1, text)],
    )
    doc.annotations.language = language
    return doc


def cross_lingual(mirror: Path, folder: Path) -> Any:
    italian = _git_show(mirror, LASER, "data/tatoeba/v1/tatoeba.ita-eng.ita").splitlines()
    english = _git_show(mirror, LASER, "data/tatoeba/v1/tatoeba.ita-eng.eng").splitlines()
    docs = [_sentence_doc(f"it-{i}", s, "it") for i, s in enumerate(italian)]
    docs += [_sentence_doc(f"en-{i}", s, "en") for i, s in enumerate(english)]
    shared = REPO.parent / "shared" / "nlp-corpus"
    distractors = 0
    for name in ("train.jsonl", "dev.jsonl"):
        for line in (shared / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("lang") == "it":
                docs.append(_sentence_doc(f"x-{distractors}", row["text"], "it"))
                distractors += 1
    embed_passages(docs)
    backend = EmbeddedBackend(folder / "xling", writer=True)
    backend.index(docs)
    backend.commit()
    pool = {"it": sum(len(d.annotations.passages) for d in docs if d.annotations.language == "it")}
    pool["en"] = sum(len(d.annotations.passages) for d in docs if d.annotations.language == "en")
    found = {"en->it": 0, "it->en": 0}
    for i, (it_text, en_text) in enumerate(zip(italian, english, strict=True)):
        for key, text, target, language in (
            ("en->it", en_text, f"it-{i}", "it"),
            ("it->en", it_text, f"en-{i}", "en"),
        ):
            request = SearchRequest(
                mode="semantic",
                vector=vector_of(text),
                limit=10,
                highlight=False,
                filters={"language": [language]},
            )
            found[key] += target in {h.id for h in backend.search(request).hits}
    backend.close()
    return {
        "pairs": len(italian),
        "italian_passages_in_pool": pool["it"],
        "english_passages_in_pool": pool["en"],
        "italian_distractors": distractors,
        "top10_rate": {k: round(v / len(italian), 4) for k, v in found.items()},
    }


# -- latency and indexing cost ------------------------------------------------------------------


def latency(data_dir: Path, queries: list[tuple[str, str]], runs: int) -> Any:
    import httpx
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.support import make_settings

    settings = make_settings(data_dir)
    texts = [text for _, text in queries]
    rounds: dict[str, list[dict[str, float]]] = {"keyword": [], "semantic": [], "hybrid": []}
    with TestClient(create_app(settings)) as client:
        assert isinstance(client, httpx.Client)
        for run in range(runs):
            modes = ["keyword", "semantic", "hybrid"]
            for mode in modes[run % 3 :] + modes[: run % 3]:  # the order rotates
                took = []
                for text in texts:
                    params = {
                        "q": keyword_query(text) if mode == "keyword" else text,
                        "mode": mode,
                        "limit": "20",
                    }
                    started = time.perf_counter()
                    answer = client.get("/api/search", params=params)
                    took.append((time.perf_counter() - started) * 1000)
                    assert answer.status_code == 200, answer.text
                took.sort()
                rounds[mode].append(
                    {"p50": took[len(took) // 2], "p95": took[int(len(took) * 0.95)], "load": load()}
                )
    return {
        mode: {
            "p50_ms_median": round(statistics.median(r["p50"] for r in values), 1),
            "p95_ms_median": round(statistics.median(r["p95"] for r in values), 1),
            "p95_ms_range": [
                round(min(r["p95"] for r in values), 1),
                round(max(r["p95"] for r in values), 1),
            ],
            "load": [r["load"] for r in values],
        }
        for mode, values in rounds.items()
    }


def indexing_cost(docs: list[Document], folder: Path, runs: int) -> Any:
    from ingest.nlp_stage import BoundedAnnotator
    from nlp.annotate import Annotator

    annotator = Annotator(english_ner=True)
    annotator.annotate([Document.from_dict(docs[0].to_dict())])  # models loaded outside the timing
    rates: dict[str, list[float]] = {"with": [], "without": []}
    for run in range(runs):
        for mode in ("with", "without") if run % 2 == 0 else ("without", "with"):
            batch = [Document.from_dict(d.to_dict()) for d in docs]
            stage = BoundedAnnotator(annotator, passages=embed_passages if mode == "with" else None)
            backend = EmbeddedBackend(folder / f"cost-{run}-{mode}", writer=True)
            started = time.perf_counter()
            for first in range(0, len(batch), 50):
                part = batch[first : first + 50]
                stage.annotate(part)
                backend.index(part)
                backend.commit()
            rates[mode].append(len(batch) / (time.perf_counter() - started))
            backend.close()
    with_rate, without_rate = statistics.median(rates["with"]), statistics.median(rates["without"])
    return {
        "documents": len(docs),
        "docs_per_s_median": {"with": round(with_rate, 1), "without": round(without_rate, 1)},
        "ratio_with_over_without": round(with_rate / without_rate, 3),
        "runs": rates,
        "load": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--docs-cost", type=int, default=200)
    parser.add_argument("--parts", default="quality,xling,latency,cost", help="comma-separated")
    parser.add_argument("--out", type=Path, default=Path("/work/.cache/faldone-bench/semantic.json"))
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    report: dict[str, Any] = {
        "uptime_start": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    }
    with tempfile.TemporaryDirectory(prefix="faldone-semantic-") as tmp:
        folder = Path(tmp)
        docs, queries, qrels = cranfield(args.mirror)
        started = time.perf_counter()
        embedded = embed_passages(docs)
        report["cranfield_embedding"] = {
            "documents": len(docs),
            "passages": embedded,
            "seconds": round(time.perf_counter() - started, 1),
            "load": load(),
        }
        from tests.support import make_settings

        settings = make_settings(folder / "data")
        settings.ensure_dirs()
        backend = EmbeddedBackend(settings.index_dir, writer=True)
        backend.index(docs)
        backend.commit()
        if "quality" in parts:
            report["cranfield_quality"] = quality(backend, queries, qrels)
            print(json.dumps(report, indent=2), flush=True)
        backend.close()
        if "latency" in parts:
            report["api_latency_cranfield"] = latency(folder / "data", queries, args.runs)
            print(json.dumps(report["api_latency_cranfield"], indent=2), flush=True)
        if "xling" in parts:
            report["cross_lingual"] = cross_lingual(args.mirror, folder)
            print(json.dumps(report["cross_lingual"], indent=2), flush=True)
        if "cost" in parts:
            report["indexing_cost"] = indexing_cost(docs[: args.docs_cost], folder, args.runs)
    report["uptime_end"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    args.out = args.out.with_name(f"{args.out.stem}-{'-'.join(sorted(parts))}{args.out.suffix}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
