"""spaCy NER pipelines loaded onto numpy's BLAS.

thinc builds a pipeline's CPU layers on BLIS by default. On these machines BLIS multiplies
the NER model's float32 matrices at about a third of OpenBLAS's speed (30 against 92 GFLOPS
for a 2000×288 by 288×288 product on one thread), so English NER took a third more CPU
than it needs. On `NumpyOps(use_blis=False)` the same layers multiply with
numpy (OpenBLAS) and find the same entities (bench/README.md, "a mailbox import").
The transition step inside the NER component keeps BLIS: thinc gives no way to swap it.
Run a pipeline inside `nlp.blas.one_blas_thread`: the worker uses every core already.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Model, NumpyOps

__all__ = ["load_pipeline"]


def load_pipeline(source: str | Path, exclude: Sequence[str] = ()) -> Language:
    """The spaCy pipeline at `source` (a package name or a folder), its layers on numpy's BLAS."""
    nlp = spacy.load(source, exclude=list(exclude))
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        # Set on every layer after loading: a few (the NER's output layer) are made outside any
        # `use_ops` block while the pipeline loads.
        for layer in model.walk() if isinstance(model, Model) else ():
            layer.ops = ops
    return nlp
