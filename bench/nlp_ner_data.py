"""Fills the Italian NER data cache (`/work/.cache/ner`, or `--out`) from fetched snapshots.

    .venv/bin/python bench/nlp_ner_data.py [--mirror /work/.mirror] [--out /work/.cache/ner]

The snapshots come from the search tool's `fetch` (bare git directories; nothing is
downloaded here): `github:ixa-ehu/ner-evaluation-corpus-europarl` and
`github:dhfbk/KIND`. Written, one sentence per JSON line (`tokens`, IOB2 `tags`):

- `europarl_it_train.jsonl` / `europarl_it_test.jsonl`: the 799 gold Italian Europarl
  sentences (Agerri et al. 2018; "no copyright restrictions", as Europarl), split
  60/40 by a seeded shuffle (`SPLIT_SEED`), because the corpus has no split of its own;
- `europarl_it_all.jsonl` / `europarl_en_all.jsonl`: all 799 sentences in Italian and
  in English (the same sentences, translated), for the speed comparison only;
- `kind_wn_test.jsonl`: the Wikinews test file of KIND / NERMuD 2023
  (`evalita-2023/WN_test.tsv`, CC BY-NC 4.0): evaluation only, never training.

MISC (Europarl only) is kept in the files; the trainer and the benchmark drop it.
Provenance, commits and licences: `nlp/data/SOURCES.md`.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
from pathlib import Path

SPLIT_SEED = 20261202
EUROPARL = ("ixa-ehu+ner-evaluation-corpus-europarl", "it-europarl.test.conll02")
EUROPARL_EN = ("ixa-ehu+ner-evaluation-corpus-europarl", "en-europarl.test.conll02")
KIND_WN_TEST = ("dhfbk+KIND", "evalita-2023/WN_test.tsv")

Sentence = dict[str, list[str]]


def _blob(mirror: Path, repo: str, path: str) -> tuple[str, str]:
    git_dir = mirror / repo / "repo"
    commit = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    text = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], check=True, capture_output=True, text=True
    ).stdout
    return commit, text


def read_columns(text: str) -> list[Sentence]:
    """Sentences of a two-column (token, IOB tag) file; blank lines end a sentence."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2:
            if tokens:
                sentences.append({"tokens": tokens, "tags": _iob2(tags)})
                tokens, tags = [], []
            continue
        tokens.append(parts[0])
        tags.append(parts[-1])
    if tokens:
        sentences.append({"tokens": tokens, "tags": _iob2(tags)})
    return sentences


def _iob2(tags: list[str]) -> list[str]:
    """IOB1 ("I-" may open an entity) to IOB2."""
    out: list[str] = []
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or tags[i - 1][2:] != tag[2:] or tags[i - 1] == "O"):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def _write(path: Path, sentences: list[Sentence]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for sentence in sentences:
            out.write(json.dumps(sentence, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("/work/.cache/ner"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    europarl_commit, europarl = _blob(args.mirror, *EUROPARL)
    sentences = read_columns(europarl)
    order = list(range(len(sentences)))
    random.Random(SPLIT_SEED).shuffle(order)
    cut = int(len(order) * 0.6)
    _write(args.out / "europarl_it_train.jsonl", [sentences[i] for i in sorted(order[:cut])])
    _write(args.out / "europarl_it_test.jsonl", [sentences[i] for i in sorted(order[cut:])])
    _write(args.out / "europarl_it_all.jsonl", sentences)
    _write(args.out / "europarl_en_all.jsonl", read_columns(_blob(args.mirror, *EUROPARL_EN)[1]))
    kind_commit, kind = _blob(args.mirror, *KIND_WN_TEST)
    wn_test = read_columns(kind)
    _write(args.out / "kind_wn_test.jsonl", wn_test)
    manifest = {
        "europarl": {"commit": europarl_commit, "sentences": len(sentences), "train": cut},
        "kind_wn_test": {"commit": kind_commit, "sentences": len(wn_test)},
        "split_seed": SPLIT_SEED,
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
