"""The embedded backend's passage vectors: commits, readers, crashes, compaction, rebuild."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from index.backend import IndexDamaged, SearchRequest
from index.backends.embedded import EmbeddedBackend
from index.backends.embedded_vectors import VectorStore
from nlp.embedding import embed
from tests.conformance.semantic_corpus import semantic_corpus


def _query() -> list[float]:
    return [float(x) for x in embed(["my refund never arrived"])[0]]


def _ids(store: VectorStore) -> list[str]:
    return [m.doc_id for m in store.nearest(np.asarray(_query(), dtype=np.float32), 50)]


def test_readers_see_commits_only_and_a_reopened_index_keeps_them(tmp_path: Path) -> None:
    docs = semantic_corpus()
    writer = EmbeddedBackend(tmp_path / "index", writer=True)
    reader = EmbeddedBackend(tmp_path / "index", writer=False)
    writer.index(docs[:4])
    reader.refresh()
    assert reader.nearest_passages(_query(), 10) == []  # not committed
    writer.commit()
    reader.refresh()
    assert {m.doc_id for m in reader.nearest_passages(_query(), 10)} == {d.id for d in docs[:4]}
    writer.delete([docs[0].id])
    writer.index(docs[4:])
    writer.commit()
    reader.refresh()
    seen = {m.doc_id for m in reader.nearest_passages(_query(), 50)}
    assert seen == {d.id for d in docs[1:]}
    writer.index(docs[:1])  # uncommitted: lost at close, like tantivy's writes
    writer.close()
    reopened = EmbeddedBackend(tmp_path / "index", writer=True)
    assert {m.doc_id for m in reopened.nearest_passages(_query(), 50)} == seen
    reopened.close()


def test_a_crash_before_the_manifest_leaves_the_last_commit(tmp_path: Path) -> None:
    docs = semantic_corpus()
    store = VectorStore(tmp_path / "v", writable=True)
    store.index(docs[:3])
    store.commit()
    before = _ids(store)
    # A commit that died after writing its segment, before publishing it.
    (tmp_path / "v" / "seg-000002.npz").write_bytes(b"half a segment")
    (tmp_path / "v" / "manifest.json.tmp").write_text("{")
    reopened = VectorStore(tmp_path / "v", writable=True)
    assert _ids(reopened) == before
    reopened.index(docs[3:])
    reopened.commit()  # overwrites the stray segment with the real one
    assert set(_ids(VectorStore(tmp_path / "v", writable=False))) == {d.id for d in docs}


def test_a_garbled_manifest_is_damage_that_reindex_repairs(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    backend.index(semantic_corpus())
    backend.commit()
    backend.close()
    (tmp_path / "index" / "vectors" / "manifest.json").write_text("{not json")
    with pytest.raises(IndexDamaged):
        EmbeddedBackend(tmp_path / "index", writer=False)


def test_compaction_writes_a_snapshot_that_readers_load(tmp_path: Path) -> None:
    docs = semantic_corpus()
    writer = VectorStore(tmp_path / "v", writable=True, compact_rows=3)
    reader = VectorStore(tmp_path / "v", writable=False)
    for doc in docs:
        writer.index([doc])
        writer.commit()
    writer.delete([docs[0].id])
    writer.commit()
    manifest = json.loads((tmp_path / "v" / "manifest.json").read_text())
    assert manifest["snapshot"] > 0 and (tmp_path / "v" / f"snap-{manifest['snapshot']:06d}.usearch").exists()
    files = {p.name for p in (tmp_path / "v").iterdir()}
    assert all(int(name[4:10]) in manifest["segments"] for name in files if name.startswith("seg-"))
    reader.reload()
    expected = sorted(d.id for d in docs[1:])
    assert sorted(set(_ids(reader))) == expected
    assert sorted(set(_ids(VectorStore(tmp_path / "v", writable=False)))) == expected


def test_rebuild_replaces_every_vector(tmp_path: Path) -> None:
    docs = semantic_corpus()
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    backend.index(docs)
    backend.commit()
    backend.start_rebuild()
    backend.index(docs[:2])
    backend.finish_rebuild()
    assert {m.doc_id for m in backend.nearest_passages(_query(), 50)} == {d.id for d in docs[:2]}
    found = backend.search(SearchRequest(mode="semantic", vector=tuple(_query())))
    assert {hit.id for hit in found.hits} <= {d.id for d in docs[:2]}
    backend.close()


def _reload_at_once(reader: VectorStore, threads: int) -> list[BaseException]:
    """`threads` request threads refresh and search the same reader at the same moment."""
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def reload() -> None:
        start.wait()
        try:
            reader.reload()
            _ids(reader)
        except BaseException as err:
            failures.append(err)

    running = [threading.Thread(target=reload) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return failures


def test_concurrent_reloads_apply_each_commit_once(tmp_path: Path) -> None:
    # A page asks for results, facets and saved searches at once: each request thread
    # refreshes the one reader the server holds. Each commit must be applied once.
    docs = semantic_corpus()
    writer = VectorStore(tmp_path / "v", writable=True)
    reader = VectorStore(tmp_path / "v", writable=False)
    for round_ in range(5):
        for doc in docs:
            writer.index([doc])
            writer.commit()
        assert _reload_at_once(reader, 8) == [], f"round {round_}"
        assert len(reader) == len(writer)
        assert sorted(set(_ids(reader))) == sorted(d.id for d in docs)
