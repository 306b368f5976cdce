"""bench/semantic: search by meaning (#21) on public data: quality, cross-lingual recall, cost.

Usage (the data come from the ``fetch`` tool's mirrors, outside the repo; see below):

    nice -n 10 .venv/bin/python bench/semantic.py --parts quality [--tune]
    flock /work/bench.lock nice -n 10 .venv/bin/python bench/semantic.py --parts xling [--xling-minutes M]
    flock /work/bench.lock nice -n 10 .venv/bin/python bench/semantic.py --parts latency,cost [--runs 3]

The quality part measures no time and may run beside other work; the timing parts
(latency, cost) run under the bench lock so that two timings never overlap. Two parts only
embed (no timing, for a later run to reuse): ``archive`` builds the latency part's archive
(``--embed-until HH:MM`` UTC: paragraphs not embedded by then leave their documents without
passages), ``embed-pool`` fills the cross-lingual pool's vectors (``--xling-minutes``).

Data (fetched with the search tool's ``fetch`` into ``/work/.mirror``; ``--mirror`` to move it):

- **Cranfield** (1,400 aeronautics abstracts, 225 queries, graded relevance judgments), from
  ``noramtboraas/information-retrieval`` @ 4ea1b8e0 (``cran.all.1400``, ``cran.qry``,
  ``cranqrel``). The collection is the classic Cranfield II test collection (Cleverdon,
  1967); the repository states no licence, and neither does the collection's usual source.
- **Tatoeba Italian-English** (1,000 aligned sentence pairs, the LASER test set), from
  ``facebookresearch/LASER`` @ 74bc6ae7 (``data/tatoeba/v1/tatoeba.ita-eng.{ita,eng}``;
  LASER: BSD licence; the sentences are Tatoeba's, CC BY 2.0 FR).
- Distractors of the cross-lingual pool (texts that translate none of the queries):
  the sentences of **KIND** (``dhfbk/KIND`` @ a2ad1391, ``dataset/*.tsv``: Italian
  Wikinews, CC BY 2.5; public-domain Italian fiction; writings of Aldo Moro and Alcide De
  Gasperi; annotations CC BY-NC 4.0 / CC BY-NC-SA 4.0: used here for measurement only,
  nothing is copied); the Italian and English paragraphs of the **Debian documentation**
  (the apt packages of `bench.search_corpus`, free licences: GPL and others); the texts of
  ``../shared/nlp-corpus`` (read, never copied).
- The **200,000-document archive** of the latency part is `bench.search_corpus`'s (the
  Debian paragraphs, one or two per document), with its passages.

Passage vectors are cached by passage text in ``--cache``/passage-vectors.json.gz
(`VectorCache`): split and embedded exactly as ingestion does, each text once.

What is measured (all through Faldone's own code: `nlp.passages`, the embedded backend,
`index.semantic`, and for latency the real API in its own uvicorn process):

1. **nDCG@10 on Cranfield**: keyword as typed (the sentence's words: an AND in keyword
   mode), keyword with the words OR-ed (BM25: the strong baseline), semantic, and hybrid
   (the sentence in hybrid mode, as the API sends it: `index.semantic` searches its words
   as a ranked disjunction and fuses that list with the meaning, `index.fusion`), and the
   previous product's hybrid (reciprocal rank fusion 1:1 always). Gains: Cranfield grade
   1..4 -> 4..1 (-1: not relevant). Queries with an odd number are half A, even half B;
   ``--tune`` runs `GRID` (the fusion's constants) on half A alone: the product's constants
   are to be its best point (the report says whether they are), then reported on B.
2. **Cross-lingual top-10 rate** on Tatoeba: every English sentence as a query, restricted
   to Italian documents (``filter=language:it``): is its translation among the first 10?
   And Italian -> English the same way. The pool: the 1,000 pairs plus the distractors;
   with ``--xling-minutes`` the distractors not embedded by then are left out (the report
   says how many passages the pool had).
3. **Latency through the API** at ``--docs`` documents (``GET /api/search`` from the load
   generator of bench/search, its own process, one request at a time; embedding of the
   query included, stage ``embed``): 100 Tatoeba sentences (half Italian, half English)
   in keyword, semantic and hybrid mode, and hybrid with the default facets; ``--runs``
   rounds, the order of kinds rotating; medians over rounds.
4. **Indexing cost of embeddings**: the worker's NLP + indexing stage (annotator, passages,
   tantivy + vectors, commit) on ``--docs-cost`` Cranfield documents with and without
   passages, order alternating over ``--runs`` rounds; documents per second and the ratio.

Not measured: the cluster backends' latency, extraction/OCR (the ingestion ratio here is
of the NLP and index stage only, so the whole pipeline's ratio is closer to 1). The
machine is shared: the load average is written beside each figure.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.document import Document, Page, Passage  # noqa: E402
from core.vectors import encode_vector  # noqa: E402
from index.backend import SearchRequest  # noqa: E402
from index.backends.embedded import EmbeddedBackend  # noqa: E402
from nlp.embedding import embed  # noqa: E402
from nlp.passages import EMBED_BATCH, Span, embed_passages, split_passages  # noqa: E402

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
    """The query's words OR-ed, written in the query language (the bench's BM25 baseline)."""
    return " OR ".join(dict.fromkeys(w.lower() for w in _WORD.findall(text)))


def bare_words(text: str) -> str:
    """The query's words as a user would type them (the query language reads them as an AND)."""
    return " ".join(_WORD.findall(text))


def vector_of(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in embed([text])[0])


class VectorCache:
    """Passage vectors kept in a file by the passage's text, so a text is embedded once.

    The passages are split exactly as ingestion splits them (`nlp.passages.split_passages`)
    and the encoder sees the same text, so a cached vector is the one ingestion would store;
    only texts not yet in the cache are embedded (batched, as ingestion does).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[str, str] = json.loads(gzip.decompress(path.read_bytes())) if path.exists() else {}
        self.added = 0
        self.complete: set[str] = set()

    def attach(self, docs: list[Document], deadline: float | None = None) -> int:
        """Give `docs` their passages, embedding the new texts in the documents' order; returns
        how many passages. Past `deadline` (a `time.monotonic()` value) nothing more is
        embedded: documents with a passage left unembedded get none (`complete` says which)."""
        chosen: list[tuple[Document, Span, str]] = []
        for doc in docs:
            spans, total = split_passages(doc)
            if total > len(spans):
                doc.metadata["passages_total"] = total
            text = doc.text
            chosen += [(doc, span, " ".join(text[span.start : span.end].split())) for span in spans]
            doc.annotations.passages = []
        missing = list(dict.fromkeys(t for _, _, t in chosen if t not in self.known))
        for first in range(0, len(missing), EMBED_BATCH):
            if deadline is not None and time.monotonic() > deadline:
                print(f"deadline: {first} of {len(missing)} new passages embedded", flush=True)
                break
            batch = missing[first : first + EMBED_BATCH]
            self.known.update(zip(batch, (encode_vector(v) for v in embed(batch)), strict=True))
            self.added += len(batch)
            if first % (EMBED_BATCH * 50) == 0:
                print(f"embedded {first + len(batch)}/{len(missing)} passages, load {load()}", flush=True)
            if self.added >= 2_000:
                self.save()  # progress survives an interrupted run
        unembedded = {doc.id for doc, _, text in chosen if text not in self.known}
        self.complete = {doc.id for doc in docs} - unembedded
        for doc, span, text in chosen:
            if doc.id not in unembedded:
                doc.annotations.passages.append(Passage(span.page, span.start, span.end, self.known[text]))
        return sum(len(doc.annotations.passages) for doc in docs)

    def save(self) -> None:
        if self.added:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial")
            partial.write_bytes(gzip.compress(json.dumps(self.known).encode()))
            partial.rename(self.path)
            self.added = 0


def embed_cached(docs: list[Document], cache: Path) -> int:
    """`VectorCache.attach` on `docs` with the cache file `cache`, saved after."""
    vectors = VectorCache(cache)
    count = vectors.attach(docs)
    vectors.save()
    return count


def _half(number: str) -> str:
    """Queries with an odd number are the tuning half (A), even numbers the reported half (B)."""
    return "A" if int(number) % 2 else "B"


MODES = ("keyword_all_words", "keyword_any_word", "semantic", "hybrid", "hybrid_rrf")


def _ndcg_by_mode(
    backend: EmbeddedBackend,
    queries: list[tuple[str, str]],
    qrels: dict[str, dict[str, int]],
    modes: tuple[str, ...] = MODES,
) -> dict[str, dict[str, list[float]]]:
    """nDCG@10 per query, per mode, per half (A/B)."""
    import index.fusion as fusion

    scores: dict[str, dict[str, list[float]]] = {}
    for number, text in queries:
        if number not in qrels:
            continue
        vector = vector_of(text)
        # the sentence in hybrid mode, as the API sends it: `index.semantic` makes the keyword
        # half a ranked disjunction of the words
        hybrid = SearchRequest(
            query=bare_words(text), mode="hybrid", vector=vector, limit=10, highlight=False
        )
        requests = {
            # the sentence typed in keyword mode: an AND of every word (the product's keyword mode)
            "keyword_all_words": SearchRequest(query=bare_words(text), limit=10, highlight=False),
            # the words OR-ed, BM25: the strong keyword baseline
            "keyword_any_word": SearchRequest(query=keyword_query(text), limit=10, highlight=False),
            "semantic": SearchRequest(mode="semantic", vector=vector, limit=10, highlight=False),
            "hybrid": hybrid,
            "hybrid_rrf": hybrid,  # the previous product: reciprocal rank fusion 1:1 always
        }
        for mode in modes:
            agree = fusion.agree
            if mode == "hybrid_rrf":
                fusion.agree = lambda *_: False
            try:
                ranked = [h.id for h in backend.search(requests[mode]).hits]
            finally:
                fusion.agree = agree
            by_half = scores.setdefault(mode, {"A": [], "B": []})
            by_half[_half(number)].append(ndcg10(ranked, qrels[number]))
    return scores


def _summary(scores: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    def mean(values: list[float]) -> float:
        return round(statistics.fmean(values), 4)

    out: dict[str, Any] = {}
    for part in ("all", "A", "B"):
        means = {
            mode: mean(halves["A"] + halves["B"] if part == "all" else halves[part])
            for mode, halves in scores.items()
        }
        out[part] = {
            "queries": len(next(iter(scores.values()))["A" if part == "A" else "B"])
            if part != "all"
            else sum(len(v) for v in next(iter(scores.values())).values()),
            "ndcg@10": means,
            "hybrid_over_keyword_any_word": round(means["hybrid"] / means["keyword_any_word"], 3),
            "hybrid_rrf_over_keyword_any_word": round(means["hybrid_rrf"] / means["keyword_any_word"], 3),
            "hybrid_over_keyword_all_words": round(means["hybrid"] / means["keyword_all_words"], 3),
        }
    return out


# The grid of `--tune` (index.fusion's constants), searched on half A alone.
GRID = {
    "FEEDBACK_DOCS": (2, 3, 4, 5),
    "FEEDBACK_TERMS": (10, 20, 30),
    "FEEDBACK_WEIGHT": (1.0, 1.5, 2.0),
    "KEYWORD_SHARE": (0.75, 0.8, 0.85),
}


def tune_on_half_a(
    backend: EmbeddedBackend, queries: list[tuple[str, str]], qrels: dict[str, dict[str, int]]
) -> dict[str, Any]:
    """Hybrid nDCG@10 on half A alone (no query of half B is run) at every point of `GRID`."""
    import itertools

    import index.fusion as fusion

    product = {name: getattr(fusion, name) for name in GRID}
    tuning_half = [(n, t) for n, t in queries if _half(n) == "A"]
    grid: dict[str, float] = {}
    try:
        for values in itertools.product(*GRID.values()):
            for name, value in zip(GRID, values, strict=True):
                setattr(fusion, name, value)
            found = _ndcg_by_mode(backend, tuning_half, qrels, ("hybrid",))
            point = json.dumps(dict(zip(GRID, values, strict=True)))
            grid[point] = round(statistics.fmean(found["hybrid"]["A"]), 4)
    finally:
        for name, value in product.items():
            setattr(fusion, name, value)
    best = max(grid, key=lambda point: grid[point])
    return {
        "hybrid_ndcg_on_A": grid,
        "best": json.loads(best),
        "best_ndcg_on_A": grid[best],
        "product": product,
        "product_is_best": json.loads(best) == product,
    }


def quality(
    backend: EmbeddedBackend, queries: list[tuple[str, str]], qrels: dict[str, dict[str, int]], tune: bool
) -> Any:
    """With `tune`, first `tune_on_half_a`; then nDCG@10 per mode with the product's
    settings (all queries, half A, half B)."""
    report: dict[str, Any] = {}
    if tune:
        report["tuned_on_half_A"] = tune_on_half_a(backend, queries, qrels)
    report["product_settings"] = _summary(_ndcg_by_mode(backend, queries, qrels))
    return report


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


KIND = ("dhfbk+KIND", "a2ad139171ef7fde0dff0f8ea94d18356340ada9")
_KIND_FILES = [
    f"dataset/{part}_{split}.tsv"
    for part in ("wikinews", "fiction", "degasperi", "moro")
    for split in ("train", "test")
]
_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?)»”’])")
_NO_SPACE_AFTER = re.compile(r"([(«“‘']) ")


def _kind_sentences(mirror: Path) -> list[str]:
    """The sentences of KIND (one token per line, a blank line between sentences), rejoined."""
    sentences: list[str] = []
    for name in _KIND_FILES:
        tokens: list[str] = []
        for line in [*_git_show(mirror, KIND, name).splitlines(), ""]:
            if line.strip():
                tokens.append(line.split("\t")[0])
            elif tokens:
                text = _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", " ".join(tokens)))
                sentences.append(text)
                tokens = []
    return sentences


def _distractors(mirror: Path) -> dict[str, list[tuple[str, str]]]:
    """Texts that are no translation of any query, per language: (kind, text)."""
    from bench.search_corpus import _paragraphs

    found: dict[str, list[tuple[str, str]]] = {"it": [], "en": []}
    for language, paragraphs in _paragraphs().items():
        found[language] += [("debian-docs", text) for text in paragraphs]
    found["it"] += [("kind", text) for text in dict.fromkeys(_kind_sentences(mirror))]
    shared = REPO.parent / "shared" / "nlp-corpus"
    for name in ("train.jsonl", "dev.jsonl"):
        for line in (shared / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("lang") in found:
                found[row["lang"]].append(("nlp-corpus", row["text"]))
    return found


def cross_lingual(
    mirror: Path, folder: Path, cache: Path, minutes: float | None, evaluate: bool = True
) -> Any:
    italian = _git_show(mirror, LASER, "data/tatoeba/v1/tatoeba.ita-eng.ita").splitlines()
    english = _git_show(mirror, LASER, "data/tatoeba/v1/tatoeba.ita-eng.eng").splitlines()
    docs = [_sentence_doc(f"it-{i}", s, "it") for i, s in enumerate(italian)]
    docs += [_sentence_doc(f"en-{i}", s, "en") for i, s in enumerate(english)]
    kind_of: dict[str, str] = {}
    texts_of: dict[str, str] = {}
    for language, texts in _distractors(mirror).items():
        for n, (kind, text) in enumerate(texts):
            kind_of[f"x-{language}-{n}"] = f"{language}:{kind}"
            texts_of[f"x-{language}-{n}"] = text
    # Debian paragraphs first (the latency part's archive is made of them), KIND last.
    order = ["it:debian-docs", "en:debian-docs", "it:nlp-corpus", "en:nlp-corpus", "it:kind"]
    for doc_id in sorted(kind_of, key=lambda d: order.index(kind_of[d])):
        language = doc_id.split("-")[1]
        docs.append(_sentence_doc(doc_id, texts_of[doc_id], language))
    started = time.perf_counter()
    vectors = VectorCache(cache / "passage-vectors.json.gz")
    # The 1,000 pairs come first: a deadline only leaves distractors out of the pool.
    vectors.attach(docs, None if minutes is None else time.monotonic() + minutes * 60)
    vectors.save()
    if not evaluate:  # the pool's embedding alone (no timing), for a later run
        return {"embedded": len(vectors.known), "load": load()}
    left_out = Counter(kind_of.get(d.id, "pair") for d in docs if d.id not in vectors.complete)
    docs = [d for d in docs if d.id in vectors.complete]
    distractors = Counter(kind_of[d.id] for d in docs if d.id in kind_of)
    embedding = {
        "seconds": round(time.perf_counter() - started, 1),
        "load": load(),
        "distractors_left_out_at_the_deadline": dict(left_out),
    }
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
        "distractor_documents": dict(distractors),
        "embedding": embedding,
        "top10_rate": {k: round(v / len(italian), 4) for k, v in found.items()},
    }


# -- latency and indexing cost ------------------------------------------------------------------


def _sentence_queries(mirror: Path, per_language: int) -> list[str]:
    """Natural sentences of five words or more, half Italian, half English (Tatoeba/LASER)."""
    chosen: list[str] = []
    for suffix in ("ita", "eng"):
        lines = _git_show(mirror, LASER, f"data/tatoeba/v1/tatoeba.ita-eng.{suffix}").splitlines()
        long_enough = [line for line in lines if len(_WORD.findall(line)) >= 5]
        chosen += long_enough[:: max(1, len(long_enough) // per_language)][:per_language]
    return chosen


def build_archive(
    corpus: Path, folder: Path, vectors: VectorCache, deadline: float | None = None
) -> dict[str, Any]:
    """The search benchmark's corpus (bench/search_corpus) indexed with its passages.

    Past `deadline` no new passage is embedded: a document whose paragraphs were not all
    embedded by then is indexed without passages (as one ingested with search by meaning
    off), and the report counts them."""
    from itertools import islice

    from bench.search_corpus import load_corpus, to_document

    index_dir = folder / "index"
    if (folder / "complete").exists():
        built: dict[str, Any] = json.loads((folder / "complete").read_text())
        return built
    shutil.rmtree(folder, ignore_errors=True)
    backend = EmbeddedBackend(index_dir, writer=True)
    records = load_corpus(corpus)
    documents = passages = without = 0
    started = time.perf_counter()
    while batch := [to_document(record) for record in islice(records, 2_000)]:
        passages += vectors.attach(batch, deadline)
        without += len(batch) - len(vectors.complete)
        backend.index(batch)
        documents += len(batch)
        if documents % 20_000 == 0:
            backend.commit()
            vectors.save()
            print(f"indexed {documents} documents, {passages} passages, load {load()}", flush=True)
    backend.commit()
    backend.close()
    vectors.save()
    built = {
        "documents": documents,
        "passages": passages,
        "documents_without_passages": without,
        "seconds_to_build": round(time.perf_counter() - started, 1),
        "load": load(),
    }
    (folder / "complete").write_text(json.dumps(built))
    return built


def archive(args: argparse.Namespace, vectors: VectorCache) -> tuple[Path, dict[str, Any]]:
    """The latency part's archive: its data folder and how it was built (reused when built)."""
    from bench.search_corpus import build_corpus

    corpus = build_corpus(args.cache / "search", args.docs)
    deadline = None
    if args.embed_until:
        until = datetime.combine(datetime.now(UTC).date(), time_of_day.fromisoformat(args.embed_until), UTC)
        deadline = time.monotonic() + (until - datetime.now(UTC)).total_seconds()
    data = args.cache / f"data-semantic-{args.docs}"
    return data, build_archive(corpus, data, vectors, deadline)


def _serve(env: dict[str, str], wait_s: float) -> Any:
    """bench/search's API process, given `wait_s` to start: an archive of ~460,000 passage
    vectors takes the reader minutes to load (bench/search's own wait is 2 minutes)."""
    import httpx

    from bench.search_measure import Api
    from tests.services.opensearch import free_port

    api = Api.__new__(Api)
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.asgi:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    api.server = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env})
    api.url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while time.monotonic() < started + wait_s:
        try:
            if httpx.get(f"{api.url}/healthz", timeout=2).status_code == 200:
                print(f"API up after {time.monotonic() - started:.0f} s, load {load()}", flush=True)
                return api
        except httpx.HTTPError:
            time.sleep(1)
    api.close()
    raise SystemExit(f"the API did not start on {api.url} in {wait_s:.0f} s")


def latency(args: argparse.Namespace, vectors: VectorCache) -> Any:
    """p50/p95 of GET /api/search on a 200,000-document archive, from a separate load process."""

    data, built = archive(args, vectors)
    sentences = _sentence_queries(args.mirror, 50)
    kinds: dict[str, list[dict[str, Any]]] = {
        "keyword_sentence": [{"q": s, "mode": "keyword", "facets": ""} for s in sentences],
        "semantic": [{"q": s, "mode": "semantic", "facets": ""} for s in sentences],
        "hybrid": [{"q": s, "mode": "hybrid", "facets": ""} for s in sentences],
        "hybrid_faceted": [{"q": s, "mode": "hybrid"} for s in sentences],
    }
    env = {
        "FALDONE_AUTH_DISABLED": "true",
        "OMP_THREAD_LIMIT": "1",
        "FALDONE_DATA_DIR": str(data),
        "FALDONE_SEARCH_BACKEND": "embedded",
    }
    rounds: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    api = _serve(env, 900)
    # The first request loads the sentence encoder and warms the reader: not measured.
    import httpx

    httpx.get(f"{api.url}/api/search", params={"q": sentences[0], "mode": "hybrid"}, timeout=600)
    try:
        names = list(kinds)
        for run in range(args.runs):
            order = names[run % len(names) :] + names[: run % len(names)]  # the order rotates
            queries_file = data.parent / f"semantic-queries-{run}.json"
            queries_file.write_text(json.dumps({k: kinds[k] for k in order}, ensure_ascii=False))
            before = load()
            measured = api.latency(queries_file, args.requests, args.warmup, 1)
            for kind, figures in measured.items():
                rounds[kind].append({**figures, "load": [before, load()]})
            print(f"round {run + 1}: {json.dumps(measured)}", flush=True)
    finally:
        api.close()
    return {
        "archive": built,
        "queries": f"{len(sentences)} Tatoeba sentences (half Italian, half English), one at a time",
        "by_kind": {
            kind: {
                "p50_ms_median": round(statistics.median(r["p50_ms"] for r in values), 1),
                "p95_ms_median": round(statistics.median(r["p95_ms"] for r in values), 1),
                "p95_ms_range": [
                    round(min(r["p95_ms"] for r in values), 1),
                    round(max(r["p95_ms"] for r in values), 1),
                ],
                "stages_p50_ms_last_round": values[-1]["stages_p50_ms"],
                "load": [r["load"] for r in values],
            }
            for kind, values in rounds.items()
        },
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
            for doc in batch:  # the setup's cached passages must not be indexed "without"
                doc.annotations.passages = []
                doc.metadata.pop("passages_total", None)
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
    parser.add_argument("--embed-until", help="HH:MM UTC: embed the latency archive's passages until then")
    parser.add_argument("--docs", type=int, default=200_000, help="archive size of the latency part")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per kind and round")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per kind first")
    parser.add_argument("--parts", default="quality,xling,latency,cost", help="comma-separated")
    parser.add_argument("--cache", type=Path, default=Path("/work/.cache/faldone-bench"))
    parser.add_argument(
        "--xling-minutes", type=float, help="stop embedding distractors after this long (pool: what is done)"
    )
    parser.add_argument("--tune", action="store_true", help="also run the fusion grid on half A")
    parser.add_argument("--out", type=Path, default=Path("/work/.cache/faldone-bench/semantic.json"))
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    report: dict[str, Any] = {
        "uptime_start": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    }
    with tempfile.TemporaryDirectory(prefix="faldone-semantic-") as tmp:
        folder = Path(tmp)
        if parts & {"quality", "cost"}:
            docs, queries, qrels = cranfield(args.mirror)
            started = time.perf_counter()
            cached = (args.cache / "passage-vectors.json.gz").exists()
            embedded = embed_cached(docs, args.cache / "passage-vectors.json.gz")
            report["cranfield_embedding"] = {
                "documents": len(docs),
                "passages": embedded,
                "read_from_cache": cached,
                "seconds": round(time.perf_counter() - started, 1),
                "load": load(),
            }
        if "quality" in parts:
            backend = EmbeddedBackend(folder / "cranfield", writer=True)
            backend.index(docs)
            backend.commit()
            report["cranfield_quality"] = quality(backend, queries, qrels, args.tune)
            print(json.dumps(report, indent=2), flush=True)
            backend.close()
        if "xling" in parts:
            report["cross_lingual"] = cross_lingual(args.mirror, folder, args.cache, args.xling_minutes)
            print(json.dumps(report["cross_lingual"], indent=2), flush=True)
        if "archive" in parts:  # the latency part's archive alone (embedding, no timing)
            report["archive"] = archive(args, VectorCache(args.cache / "passage-vectors.json.gz"))[1]
            print(json.dumps(report["archive"], indent=2), flush=True)
        if "embed-pool" in parts:  # the cross-lingual pool's passages alone (no timing)
            report["pool"] = cross_lingual(args.mirror, folder, args.cache, args.xling_minutes, False)
            print(json.dumps(report["pool"]), flush=True)
        if "latency" in parts:
            report["api_latency"] = latency(args, VectorCache(args.cache / "passage-vectors.json.gz"))
            print(json.dumps(report["api_latency"], indent=2), flush=True)
        if "cost" in parts:
            report["indexing_cost"] = indexing_cost(docs[: args.docs_cost], folder, args.runs)
    report["uptime_end"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    args.out = args.out.with_name(f"{args.out.stem}-{'-'.join(sorted(parts))}{args.out.suffix}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
