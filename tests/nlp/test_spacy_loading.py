"""spaCy NER on numpy's BLAS (`nlp.entities.spacy_loading`): every layer, and the same entities.

BLIS, thinc's default, runs these models' matrix products at about a third of OpenBLAS's
speed here (bench/README.md, "a mailbox import"); the switch must not change what is found.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import NumpyOps
from threadpoolctl import threadpool_info, threadpool_limits

from core.document import Entity
from nlp import annotate
from nlp.annotate import Annotator
from nlp.entities import entities_from_doc, load_english_ner
from nlp.entities.italian_ner import SHIPPED_MODEL, load_italian_ner
from nlp.entities.ner import ENGLISH_MODEL


def _uses_numpys_blas(nlp: Language) -> bool:
    layers = [layer for _, pipe in nlp.pipeline for layer in pipe.model.walk()]  # type: ignore[attr-defined]
    return bool(layers) and all(
        isinstance(layer.ops, NumpyOps) and not layer.ops.use_blis for layer in layers
    )


def test_every_layer_of_both_ner_pipelines_multiplies_with_numpys_blas() -> None:
    assert _uses_numpys_blas(load_english_ner())
    assert _uses_numpys_blas(load_italian_ner())


def test_thincs_default_would_use_blis() -> None:
    """The test above means something: loaded plainly, the same pipeline is on BLIS."""
    assert not _uses_numpys_blas(spacy.load(SHIPPED_MODEL))


def _real_texts(corpus: Path, language: str, count: int) -> list[str]:
    lines = (corpus.parent / "nlp-corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    return [row["text"] for row in rows if row["lang"] == language][:count]


# English: complaint narratives and list mail, long; Italian: review sentences, short and few names.
@pytest.mark.parametrize(("language", "count"), [("en", 120), ("it", 500)])
def test_the_same_entities_as_the_pipeline_on_blis(corpus: Path, language: str, count: int) -> None:
    texts = _real_texts(corpus, language, count)
    assert len(texts) == count
    if language == "en":
        plain = spacy.load(
            ENGLISH_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
        )
        ours = Annotator(italian_ner=False)._ner_entities(texts)
    else:
        plain = spacy.load(SHIPPED_MODEL)
        ours = Annotator(english_ner=False)._italian_entities(texts)
    expected = list(annotate._model_entities(plain, texts))  # the same reading, on BLIS
    found = list(ours)
    assert sum(map(len, expected)) > 50  # real names to compare, not empty lists
    assert found == expected


def _blas_threads() -> set[int]:
    return {int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"}


@pytest.mark.parametrize("language", ["en", "it"])
def test_ner_runs_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    """numpy's BLAS would start a thread per core inside a worker that already uses every core."""
    seen: list[set[int]] = []

    def spy(doc: Doc) -> list[Entity]:
        seen.append(_blas_threads())
        return entities_from_doc(doc)

    monkeypatch.setattr(annotate, "entities_from_doc", spy)
    with threadpool_limits(limits=2, user_api="blas"):  # as on a two-core machine, whatever ran before
        before = _blas_threads()
        assert before == {2}
        if language == "en":
            found = list(
                Annotator(italian_ner=False)._ner_entities(["John Smith of Microsoft wrote from London."])
            )
        else:
            found = list(Annotator(english_ner=False)._italian_entities(["Mario Rossi di Roma ha scritto."]))
        assert _blas_threads() == before  # given back afterwards
    assert found and found[0]
    assert seen == [{1}]
