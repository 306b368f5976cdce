"""NLP on several cores: the worker's annotator and passage embedder run in child processes.

The worker's NLP (spaCy NER, the sentence encoder, the passages for search by meaning) is
most of a message's CPU time. In one thread of the worker process, on a two-core machine
one core does NLP while the extraction children leave the other half idle. With
``FALDONE_NLP_PROCESSES`` above 1 (the default: one per core, at most 4) each batch is split
by text length into a few chunks per process, each taken by the next free process
(models loaded once in each, before the first batch), and the results are copied back; a
chunk's annotations and passages are made in one call
(`ProcessAnnotator.start_with_passages`). The annotations are the
same as in-process: each child runs the same `Annotator` (with the catalog's customer
registry) and the same `nlp.passages.embed_passages`; the caller (`BoundedAnnotator`)
still limits each document, shares identical content and applies stored corrections.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from core.catalog import Catalog
from core.document import Annotations, Document, Passage
from core.settings import Settings
from nlp.annotate import Annotator

__all__ = ["ProcessAnnotator", "chunks_by_length"]

_annotator: Annotator | None = None
# A batch is cut into this many chunks per process, handed to whichever process is free: text
# length foretells NLP cost badly (a patch's code is blanked before NER), and one process
# must not idle while the other finishes an expensive chunk.
_CHUNKS_PER_PROCESS = 4


def _start(settings: Settings, parent_pid: int) -> None:
    from ingest.pool import die_with_parent

    die_with_parent(parent_pid)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    global _annotator
    _annotator = Annotator.from_settings(settings, Catalog(settings.resolved_catalog_url))
    _annotator.load_models()  # now, not inside the first batch (the passages' encoder is the same)


def _ready() -> int:
    """This child's pid: it answers only once its initializer has loaded the models."""
    time.sleep(0.05)  # long enough that one ready child cannot take every question alone
    return os.getpid()


def _annotate(docs: list[Document]) -> list[Document]:
    assert _annotator is not None
    _annotator.annotate(docs)
    return docs


def _passages(docs: list[Document]) -> list[Document]:
    from nlp.passages import embed_passages

    embed_passages(docs)
    return docs


# What a child sends back for one document: its annotations (read on the NLP-capped text),
# the passages of its whole text, and how many passages that text had when more than were kept.
_Done = tuple[Annotations, list[Passage], int | None]


def _annotate_and_embed(capped: list[Document], whole: list[Document]) -> list[_Done]:
    """Both NLP steps of one chunk in one call: one round trip per batch instead of two."""
    from nlp.passages import embed_passages

    assert _annotator is not None
    _annotator.annotate(capped)
    embed_passages(whole)
    return [
        (c.annotations, w.annotations.passages, w.metadata.get("passages_total"))
        for c, w in zip(capped, whole, strict=True)
    ]


def chunks_by_length(docs: list[Document], count: int) -> list[list[int]]:
    """Indexes of `docs` in at most `count` non-empty groups of about equal text length."""
    groups: list[list[int]] = [[] for _ in range(max(1, count))]
    loads = [0] * len(groups)
    for index in sorted(range(len(docs)), key=lambda i: -len(docs[i].text)):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += len(docs[index].text) + 1
    return [sorted(group) for group in groups if group]


class ProcessAnnotator:
    """`annotate` and `passages` of a batch spread over `processes` child processes."""

    def __init__(self, settings: Settings, processes: int) -> None:
        self.settings = settings
        self.processes = max(1, processes)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=get_context("spawn"),
                initializer=_start,
                initargs=(self.settings, os.getpid()),
            )
            # Until every child has answered: a child that is ready could answer for one still loading.
            ready: set[int] = set()
            while len(ready) < self.processes:
                ready |= {f.result() for f in [self._pool.submit(_ready) for _ in range(self.processes)]}
        return self._pool

    def _spread(
        self, docs: list[Document], work: Callable[[list[Document]], list[Document]]
    ) -> list[tuple[Document, Document]]:
        """(sent, returned) pairs of documents, each chunk done by `work` in a child."""
        if not docs:
            self._executor()
            return []
        groups = chunks_by_length(docs, self.processes)
        sent = [[docs[i] for i in group] for group in groups]
        futures = [self._executor().submit(work, chunk) for chunk in sent]
        return [
            pair
            for chunk, future in zip(sent, futures, strict=True)
            for pair in zip(chunk, future.result(), strict=True)
        ]

    def load_models(self) -> None:
        """Start the children; each loads every model before it takes a batch."""
        self._executor()

    def start_with_passages(self, capped: list[Document], whole: list[Document]) -> Callable[[], None]:
        """`annotate(capped)` and `passages(whole)` (the same documents, their text capped for NLP
        and whole) in one call per chunk, the chunks taken by whichever child is free: handed
        over now; the returned function waits for the results and sets them."""
        groups = chunks_by_length(whole, self.processes * _CHUNKS_PER_PROCESS)
        futures = [
            self._executor().submit(
                _annotate_and_embed, [capped[i] for i in group], [whole[i] for i in group]
            )
            for group in groups
        ]

        def results() -> None:
            for group, future in zip(groups, futures, strict=True):
                for i, (found, passages, total) in zip(group, future.result(), strict=True):
                    capped[i].annotations = found
                    whole[i].annotations.passages = passages
                    if total is not None:
                        whole[i].metadata["passages_total"] = total

        return results

    def annotate(self, docs: list[Document]) -> None:
        for doc, done in self._spread(docs, _annotate):
            doc.annotations = done.annotations

    def passages(self, docs: list[Document]) -> int:
        count = 0
        for doc, done in self._spread(docs, _passages):
            doc.annotations.passages = done.annotations.passages
            count += len(done.annotations.passages)
            if "passages_total" in done.metadata:
                doc.metadata["passages_total"] = done.metadata["passages_total"]
        return count

    def close(self) -> None:
        """Stop the children (a later batch starts them again)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)
