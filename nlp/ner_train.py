"""Training the Italian NER (`faldone nlp train-ner`): shipped data + synthetic sentences + corrections.

The training set is, in this order:

- the gold Italian Europarl sentences shipped in `nlp/data/ner_it/europarl_it_train.jsonl`
  (the 60 % train split; the other 40 % is the benchmark's in-domain test, never here),
  repeated `EUROPARL_REPEAT` times so that real text is not drowned by templates;
- `SYNTHETIC_COUNT` synthetic back-office sentences (`nlp.ner_synthetic`), and
  `UPPER_SHARE` of them again in capitals;
- users' entity corrections on Italian documents (`examples_from_ner_corrections`):
  the sentence around an added PERSON/ORG/LOC with that span annotated and the rest
  left unknown, or the sentence around a removed one with that span marked "not an
  entity"; each repeated `CORRECTION_REPEAT` times.

MISC is dropped (Faldone has no MISC facet). The dev set (model selection only) is
15 % of the Europarl train split: real text, so that the best checkpoint is the best
on real sentences, not on templates. spaCy's
trainer runs with the seeded config `nlp/data/ner_it/config.cfg`; its progress table
is printed as it goes.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from core.catalog import Catalog
from core.corrections import all_corrections
from nlp._lexicon import DATA_DIR
from nlp.ner_synthetic import synthetic_examples

__all__ = [
    "CONFIG_FILE",
    "CORRECTION_REPEAT",
    "EUROPARL_REPEAT",
    "EUROPARL_TRAIN",
    "SEED",
    "SYNTHETIC_COUNT",
    "docs_from_iob",
    "docs_from_spans",
    "examples_from_ner_corrections",
    "read_iob_jsonl",
    "train_italian_ner",
]

CONFIG_FILE = DATA_DIR / "ner_it" / "config.cfg"
EUROPARL_TRAIN = DATA_DIR / "ner_it" / "europarl_it_train.jsonl"
SEED = 20261202
SYNTHETIC_COUNT = 6000
EUROPARL_REPEAT = 6
CORRECTION_REPEAT = 5
UPPER_SHARE = 0.2  # of the sentences also taught in capitals: headers and forms are often written so
LABELS = ("PER", "ORG", "LOC")
_CORRECTION_LABELS = {"PERSON": "PER", "ORG": "ORG", "LOC": "LOC"}

Sentence = dict[str, list[str]]


def read_iob_jsonl(path: Path) -> list[Sentence]:
    """Sentences (`tokens`, IOB2 `tags`) of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def docs_from_iob(nlp: Language, sentences: Iterable[Sentence], labels: Sequence[str] = LABELS) -> list[Doc]:
    """Docs with gold entities; labels not in `labels` (MISC) become "outside"."""
    docs = []
    for sentence in sentences:
        words = sentence["tokens"]
        doc = Doc(nlp.vocab, words=words, spaces=_spaces(words))
        spans = []
        start = None
        label = ""
        for i, tag in enumerate([*sentence["tags"], "O"]):
            if start is not None and not tag.startswith("I-"):
                if label in labels:
                    spans.append(Span(doc, start, i, label=label))
                start = None
            if tag.startswith("B-") or (tag.startswith("I-") and start is None):
                start, label = i, tag[2:]
        doc.set_ents(spans, default="outside")
        docs.append(doc)
    return docs


_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "]", "'", "’"}


def _spaces(words: Sequence[str]) -> list[bool]:
    return [
        i + 1 < len(words) and words[i + 1] not in _NO_SPACE_BEFORE and not word.endswith(("'", "’", "("))
        for i, word in enumerate(words)
    ]


def docs_from_spans(
    nlp: Language, examples: Iterable[tuple[str, list[tuple[int, int, str]]]], *, partial: bool = False
) -> list[Doc]:
    """Docs from texts with character spans; "O" spans mark "not an entity".

    With `partial`, tokens outside the spans are unknown (neither entity nor outside),
    so that a correction teaches only what the user said.
    """
    docs = []
    for text, spans in examples:
        doc = nlp.make_doc(text)
        ents: list[Span] = []
        outside: list[Span] = []
        for start, end, label in spans:
            span = doc.char_span(start, end, label=label if label != "O" else "", alignment_mode="contract")
            if span is None or len(span) == 0:
                continue
            (outside if label == "O" else ents).append(span)
        try:
            doc.set_ents(ents, outside=outside, default="missing" if partial else "outside")
        except ValueError:  # overlapping spans: keep the sentence out rather than teach nonsense
            continue
        docs.append(doc)
    return docs


def _sentence_around(text: str, start: int, end: int, width: int = 300) -> tuple[str, int]:
    """The line (at most `width` characters either side) holding text[start:end], and its offset."""
    left = max(text.rfind("\n", 0, start) + 1, start - width)
    right_newline = text.find("\n", end)
    right = min(right_newline if right_newline >= 0 else len(text), end + width)
    return text[left:right], left


def examples_from_ner_corrections(catalog: Catalog) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Partial examples from entity corrections of Italian documents (the last word on a value wins)."""
    latest: dict[tuple[str, str, str], tuple[str, str]] = {}
    for record in all_corrections(catalog):
        if record.kind not in ("entity_add", "entity_remove") or not isinstance(record.value, dict):
            continue
        label = _CORRECTION_LABELS.get(str(record.value.get("label", "")))
        value = str(record.value.get("value", ""))
        if label is None or not value:
            continue
        surface = str(record.value.get("text") or value)
        latest[(record.document_id, label, value.casefold())] = (record.kind, surface)
    examples: list[tuple[str, list[tuple[int, int, str]]]] = []
    for (doc_id, label, _), (kind, surface) in latest.items():
        doc = catalog.document(doc_id)
        if doc is None or doc.annotations.language != "it":
            continue
        position = doc.text.find(surface)
        if position < 0:
            continue
        sentence, offset = _sentence_around(doc.text, position, position + len(surface))
        start = position - offset
        tag = label if kind == "entity_add" else "O"
        examples.append((sentence, [(start, start + len(surface), tag)]))
    return examples


def _training_docs(nlp: Language, catalog: Catalog | None, seed: int) -> tuple[list[Doc], list[Doc]]:
    europarl = read_iob_jsonl(EUROPARL_TRAIN)
    order = list(range(len(europarl)))
    random.Random(seed).shuffle(order)
    cut = len(order) * 15 // 100
    dev = docs_from_iob(nlp, [europarl[i] for i in order[:cut]])
    train = docs_from_iob(nlp, [europarl[i] for i in order[cut:]]) * EUROPARL_REPEAT
    synthetic = synthetic_examples(SYNTHETIC_COUNT, seed)
    train += docs_from_spans(nlp, synthetic)
    rng = random.Random(seed + 3)
    capitals = [
        (t.upper(), s) for t, s in synthetic if rng.random() < UPPER_SHARE and len(t.upper()) == len(t)
    ]
    train += docs_from_spans(nlp, capitals)
    if catalog is not None:
        corrections = docs_from_spans(nlp, examples_from_ner_corrections(catalog), partial=True)
        train += corrections * CORRECTION_REPEAT
    random.Random(seed + 2).shuffle(train)
    return train, dev


def train_italian_ner(
    output: Path, catalog: Catalog | None = None, *, seed: int = SEED, max_steps: int | None = None
) -> Path:
    """Train the Italian NER and write the pipeline to `output` (replaced if present).

    `max_steps` replaces the config's `training.max_steps` (for longer runs; the best
    checkpoint on the dev set is still the one kept)."""
    from spacy.cli.train import train as spacy_train

    nlp = spacy.blank("it")
    train_docs, dev_docs = _training_docs(nlp, catalog, seed)
    with tempfile.TemporaryDirectory(prefix="faldone-ner-") as tmp:
        work = Path(tmp)
        DocBin(docs=train_docs).to_disk(work / "train.spacy")
        DocBin(docs=dev_docs).to_disk(work / "dev.spacy")
        overrides: dict[str, object] = {
            "paths.train": str(work / "train.spacy"),
            "paths.dev": str(work / "dev.spacy"),
            "system.seed": seed,
        }
        if max_steps is not None:
            overrides["training.max_steps"] = max_steps
        spacy_train(CONFIG_FILE, work / "out", overrides=overrides)
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(work / "out" / "model-best", output)
    _forget_temporary_paths(output / "config.cfg")
    return output


def _forget_temporary_paths(config: Path) -> None:
    """The saved config names the temporary corpus files; null them, so that the same data
    gives the same files (the weights already are byte-identical run after run)."""
    lines = config.read_text(encoding="utf-8").splitlines()
    kept = [
        f"{line.split('=')[0].strip()} = null" if line.startswith(("train = ", "dev = ")) else line
        for line in lines
    ]
    config.write_text("\n".join(kept) + "\n", encoding="utf-8")
