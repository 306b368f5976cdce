"""The public surface of `nlp` is stated, sorted, and changes only on purpose."""

from __future__ import annotations

import importlib

import pytest

import nlp

MODULES = [
    "nlp",
    "nlp.annotate",
    "nlp.category",
    "nlp.classifier",
    "nlp.complaint",
    "nlp.corrections",
    "nlp.customers",
    "nlp.embedding",
    "nlp.entities",
    "nlp.errors",
    "nlp.features",
    "nlp.language",
    "nlp.sentiment",
    "nlp.training",
]


def test_package_exports() -> None:
    assert nlp.__all__ == [
        "CATEGORIES",
        "Annotator",
        "ModelNotAvailableError",
        "NlpError",
        "annotate_text",
        "apply_corrections",
        "categorize",
        "complaint_probability",
        "detect_language",
        "sentiment_score",
    ]


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_resolvable(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=lambda s: (not s.isupper(), not s[0].isupper(), s))
    for attribute in exported:
        assert hasattr(module, attribute), f"{name}.{attribute}"
