"""NLP in child processes (FALDONE_NLP_PROCESSES): the same annotations as in the worker's thread."""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pytest

from core.archive import Archive
from core.catalog import Catalog, JobSpec
from core.document import Document
from core.settings import Settings
from index.backend import SearchRequest
from index.backends import open_backend
from ingest.nlp_processes import ProcessAnnotator, _annotate_and_embed, chunks_by_length
from ingest.nlp_stage import BoundedAnnotator
from ingest.pipeline import extract_job
from ingest.sources import enqueue_paths
from ingest.worker import Worker
from nlp.annotate import Annotator
from nlp.passages import embed_passages
from tests.conftest import IN_CI
from tests.support import make_settings


def _mail_documents(settings: Settings, corpus: Path) -> list[Document]:
    archive = Archive(settings.archive_dir)
    docs: list[Document] = []
    for number, path in enumerate(sorted((corpus / "mail-mikel").rglob("*.eml"))[:24]):
        sha = archive.store_bytes(path.read_bytes())
        job = JobSpec(id=number, sha256=sha, filename=path.name, source="test", source_path="", attempts=1)
        docs += extract_job(job, settings).documents
    return docs


def _two_round_trips(self: ProcessAnnotator, docs: list[Document]) -> None:
    raise AssertionError("a batch's annotations and passages go to the processes in one call")


def test_two_processes_annotate_real_mail_as_the_worker_thread_does(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path / "data")
    settings.ensure_dirs()
    Catalog(settings.resolved_catalog_url).close()  # the children open the same catalog
    docs = _mail_documents(settings, corpus)
    assert len(docs) >= 20
    alone, spread = copy.deepcopy(docs), copy.deepcopy(docs)
    BoundedAnnotator(Annotator.from_settings(settings), passages=embed_passages).annotate(alone)
    monkeypatch.setattr(ProcessAnnotator, "annotate", _two_round_trips)
    monkeypatch.setattr(ProcessAnnotator, "passages", _two_round_trips)
    processes = ProcessAnnotator(settings, 2)
    try:
        BoundedAnnotator(processes, passages=processes.passages).annotate(spread)
    finally:
        processes.close()
    for one, other in zip(alone, spread, strict=True):
        assert one.annotations == other.annotations, one.id
        assert one.metadata == other.metadata
    assert any(doc.annotations.entities for doc in spread) and any(doc.annotations.passages for doc in spread)


def _models_loaded() -> tuple[int, int, int]:
    """In a child: how many English NER, Italian NER and encoder models it holds."""
    from nlp.embedding import load_encoder
    from nlp.entities.italian_ner import load_italian_ner
    from nlp.entities.ner import load_english_ner

    caches = (load_english_ner, load_italian_ner, load_encoder)
    return tuple(cache.cache_info().currsize for cache in caches)  # type: ignore[return-value]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def test_every_child_has_its_models_loaded_when_load_models_returns(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    settings.ensure_dirs()
    Catalog(settings.resolved_catalog_url).close()
    processes = ProcessAnnotator(settings, 2)
    try:
        processes.load_models()
        pool = processes._executor()
        children = [child.pid for child in pool._processes.values() if child.pid is not None]
        assert len(children) == 2
        before = [_cpu_seconds(pid) for pid in children]
        time.sleep(1.0)
        # a child still loading its models would be busy (about a CPU second per second)
        assert all(_cpu_seconds(pid) - cpu < 0.25 for pid, cpu in zip(children, before, strict=True))
        assert pool.submit(_models_loaded).result() == (1, 1, 1)
    finally:
        processes.close()


def test_chunks_balance_text_length_and_keep_every_document(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path / "data")
    settings.ensure_dirs()
    docs = _mail_documents(settings, corpus)
    groups = chunks_by_length(docs, 2)
    assert sorted(i for group in groups for i in group) == list(range(len(docs)))
    sizes = [sum(len(docs[i].text) for i in group) for group in groups]
    assert max(sizes) - min(sizes) <= max(len(doc.text) for doc in docs)
    assert chunks_by_length(docs[:1], 4) == [[0]]


def test_by_default_nlp_runs_on_every_core_up_to_four(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("FALDONE_NLP_PROCESSES")
    for cores, expected in [(None, 1), (1, 1), (2, 2), (3, 3), (16, 4)]:
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert Settings(data_dir=tmp_path, _env_file=None).nlp_processes == expected  # type: ignore[call-arg]


def test_a_worker_on_the_default_imports_real_mail_with_nlp_processes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus: Path
) -> None:
    monkeypatch.delenv("FALDONE_NLP_PROCESSES")
    settings = Settings(data_dir=tmp_path / "data", auth_disabled=True, _env_file=None)  # type: ignore[call-arg]
    assert settings.nlp_processes == min(4, os.cpu_count() or 1)
    if IN_CI:
        assert settings.nlp_processes >= 2, "CI runs on two cores: the default must use both"
    settings.ensure_dirs()
    mail = sorted((corpus / "mail-mikel").rglob("*.eml"))[:6]
    catalog = Catalog(settings.resolved_catalog_url)
    enqueue_paths(mail, settings, catalog)
    backend = open_backend(settings, writer=True)
    try:
        worker = Worker(settings, catalog, backend)
        assert (worker.processes is not None) == (settings.nlp_processes > 1)
        worker.run(until_empty=True)
        status = catalog.status()
        assert status.done == len(mail) and status.failed == 0
        found = backend.search(SearchRequest(query="", limit=50, highlight=False))
        assert found.total >= len(mail)
        assert any(hit.fields.get("language") for hit in found.hits)
    finally:
        backend.close()
        catalog.close()


def test_the_next_batchs_nlp_is_handed_to_the_processes_before_a_batch_is_stored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus: Path
) -> None:
    """The NLP processes must not idle while the worker indexes and records a batch."""
    settings = make_settings(tmp_path / "data", nlp_processes=2)
    settings.ensure_dirs()
    mail = sorted((corpus / "mail-mikel").rglob("*.eml"))[:16]
    catalog = Catalog(settings.resolved_catalog_url)
    enqueue_paths(mail, settings, catalog)
    backend = open_backend(settings, writer=True)
    events: list[tuple[str, set[str]]] = []  # ("nlp", documents handed over) / ("index", documents stored)
    try:
        worker = Worker(settings, catalog, backend)
        worker.flush_seconds = 0.0  # a batch whenever jobs finish: many small batches
        assert worker.processes is not None
        executor = worker.processes._executor

        class Recording:
            def submit(self, work: Callable[..., object], *args: list[Document]) -> Future[object]:
                if work is _annotate_and_embed:
                    events.append(("nlp", {doc.id for doc in args[1]}))
                return executor().submit(work, *args)

        monkeypatch.setattr(worker.processes, "_executor", Recording)
        index = backend.index

        def recorded_index(documents: list[Document]) -> None:
            events.append(("index", {doc.id for doc in documents}))
            index(documents)

        monkeypatch.setattr(backend, "index", recorded_index)
        worker.run(until_empty=True)
        assert catalog.status().done == len(mail)
    finally:
        backend.close()
        catalog.close()
    handed, stored, ahead = set[str](), set[str](), 0
    for kind, ids in events:
        if kind == "nlp":
            handed |= ids
        else:
            stored |= ids
            ahead += bool(handed - stored)  # a later batch's NLP was under way while this one was stored
    assert len([kind for kind, _ in events if kind == "index"]) >= 3
    assert ahead >= 1, events
