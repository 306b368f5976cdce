"""Any text yields annotations: empty, binary garbage, huge digit runs, a missing model."""

from __future__ import annotations

import random
import time

import pytest

from nlp import ModelNotAvailableError, NlpError
from nlp.annotate import annotate_text
from nlp.entities import ner


@pytest.mark.parametrize(
    "text",
    ["", "\f\f\f", " \n\t ", "€€€ $$$ 00 00 00", "IT" * 1000, "S.r.l. " * 500, "Sig. " * 500],
)
def test_odd_text_gives_annotations(text: str) -> None:
    annotations = annotate_text(text)
    assert -1.0 <= annotations.sentiment <= 1.0
    assert 0.0 <= annotations.complaint_probability <= 1.0


def test_binary_garbage_and_long_digit_runs_stay_fast() -> None:
    rng = random.Random(7)
    garbage = bytes(rng.randrange(256) for _ in range(100_000)).decode("latin-1")
    digits = " ".join(str(rng.randrange(10_000)) for _ in range(20_000))
    started = time.perf_counter()
    annotate_text(garbage)
    annotate_text(digits)
    assert time.perf_counter() - started < 20


def test_missing_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner, "ENGLISH_MODEL", "no_such_model_installed")
    ner.load_english_ner.cache_clear()
    try:
        with pytest.raises(ModelNotAvailableError, match="no_such_model_installed") as info:
            ner.load_english_ner()
        assert isinstance(info.value, NlpError)
    finally:
        ner.load_english_ner.cache_clear()
