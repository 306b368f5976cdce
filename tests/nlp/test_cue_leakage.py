"""No leakage: every cue alternative that matches an evaluation text also matches a training text.

Cue lists and lexicons (`nlp/data/*.tsv`) must be built from training data only. A
phrase that occurs in evaluation texts and in no training text is a sign that it was
written after reading the evaluation set, so the test fails on it.

What this test can see, in CI too: training = the templated examples' train split and
the English part of `../shared/nlp-corpus` (train and dev: the real sources the shipped
weights are trained and calibrated on); evaluation = the templated test split and the
Italian ABSITA sentences of `../shared/nlp-corpus` (the Italian external set, never
trained on). On a machine with the benchmark cache (`bench/nlp_complaint_data.py`) the
English external set (complaint tweets) is checked too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nlp._lexicon import DATA_DIR, compile_cue, read_rows, split_alternatives
from nlp.training import load_examples

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "nlp-corpus"
if not SHARED.exists():  # a worktree elsewhere: shared/ is beside the main clone
    SHARED = Path(os.environ.get("FALDONE_SHARED", "/work/shared")) / "nlp-corpus"
CACHE = Path(os.environ.get("FALDONE_NLP_CACHE", "/work/.cache/nlp"))

# file -> column of the pattern
CUE_FILES = {
    "complaint_cues.tsv": 1,
    "category_cues.tsv": 2,
    "explicit_complaint.tsv": 0,
    "informal_complaint.tsv": 0,
}


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _texts() -> tuple[list[str], list[str]]:
    assert SHARED.is_dir(), f"{SHARED} is missing"
    training = [f"{e.subject}\n{e.text}" for e in load_examples(split="train")]
    evaluation = [f"{e.subject}\n{e.text}" for e in load_examples(split="test")]
    for part in ("en_complaints", "en_not_complaints"):
        for split in ("train", "dev"):
            training += [str(r["text"]) for r in _jsonl(SHARED / part / f"{split}.jsonl")]
    for split in ("train", "dev"):
        evaluation += [str(r["text"]) for r in _jsonl(SHARED / "it" / f"{split}.jsonl")]
    if (CACHE / "external_en.jsonl").is_file():
        evaluation += [str(r["text"]) for r in _jsonl(CACHE / "external_en.jsonl")]
    return training, evaluation


def _alternatives() -> list[tuple[str, str]]:
    out = []
    for name, column in CUE_FILES.items():
        for row in read_rows(name):
            out += [(name, alternative) for alternative in split_alternatives(row[column])]
    return out


def test_split_alternatives() -> None:
    assert split_alternatives(r"a(?:b|c)|d[|]e|f\|g") == ["a(?:b|c)", "d[|]e", r"f\|g"]


def test_cue_files_exist() -> None:
    for name in CUE_FILES:
        assert (DATA_DIR / name).is_file()


def leaks(alternatives: list[tuple[str, str]], training: list[str], evaluation: list[str]) -> list[str]:
    """The alternatives that match some evaluation text and no training text."""
    train_blob = "\n\u0000\n".join(training)
    eval_blob = "\n\u0000\n".join(evaluation)
    found = []
    for name, alternative in alternatives:
        pattern = compile_cue(alternative)
        if pattern.search(eval_blob) and not pattern.search(train_blob):
            found.append(f"{name}: {alternative}")
    return found


def test_the_check_catches_a_leak() -> None:
    cues = [("toy", alternative) for alternative in split_alternatives(r"late|sporc[ao]|rumoros\w*|assente")]
    training = ["the parcel arrived late", "il tecnico era assente"]
    evaluation = ["la camera era sporca e rumorosa", "arrived late again", "nothing here"]
    assert leaks(cues, training, evaluation) == [r"toy: sporc[ao]", r"toy: rumoros\w*"]


@pytest.mark.slow
def test_no_cue_alternative_matches_only_evaluation_texts() -> None:
    training, evaluation = _texts()
    found = leaks(_alternatives(), training, evaluation)
    assert not found, "cue alternatives found only in evaluation texts:\n" + "\n".join(found)
