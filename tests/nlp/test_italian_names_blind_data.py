"""The blind Italian names set of the benchmark (`bench/data/nlp_names_blind.json`) matches its texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "bench" / "data" / "nlp_names_blind.json"
TEXTS = REPO / "tests" / "data" / "italian_names"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_text_has_gold_and_every_gold_value_is_written_in_its_text() -> None:
    documents = json.loads(GOLD.read_text(encoding="utf-8"))["documents"]
    assert set(documents) == {p.name for p in TEXTS.glob("*.txt")}
    sources = (TEXTS / "SOURCES.md").read_text(encoding="utf-8")
    for name, gold in documents.items():
        assert f"`{name}`" in sources, name
        assert set(gold) == {"PERSON", "ORG"}, name
        text = _flat((TEXTS / name).read_text(encoding="utf-8"))
        missing = [v for values in gold.values() for v in values if _flat(v) not in text]
        assert not missing, (name, missing)
    assert sum(len(g["PERSON"]) for g in documents.values()) == 9
    assert sum(len(g["ORG"]) for g in documents.values()) == 33
