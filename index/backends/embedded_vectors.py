"""Passage vectors of the embedded backend: a usearch HNSW index beside the tantivy files.

Layout of ``<index>/vectors/``::

    manifest.json      {"generation": 7, "snapshot": 4, "segments": [5, 6, 7], "next_key": 912}
    snap-000004.usearch + snap-000004.jsonl   the graph, and one line per key: [key, doc id, page, text]
    seg-000005.npz ... seg-000007.npz          what each later commit changed, in order

Commit discipline, as tantivy's: writes are buffered; `commit` writes one segment (the
operations of that commit, in order: clears, deletions by document id, added passages),
fsyncs it, then replaces the manifest atomically (write, fsync, rename, fsync the
folder). A crash before the rename leaves the previous commit intact (a stray segment
file is ignored and removed later). When the segments since the snapshot hold more
than a quarter of all passages, the commit also writes a new snapshot first, so a
reader's start-up and the disk writes stay proportional to the index size.

The worker commits tantivy first, then these vectors, then marks the job done in the
catalog: a crash in between leaves the job to be redone (ids are stable, both are
upserts). A vector whose document is not in tantivy is harmless: every vector hit is
checked against tantivy with the request's filters and scope (`index.semantic`).

A reader (another process) calls `reload` to apply new segments, or reloads the
snapshot when the writer has compacted past what it has seen. A server's request threads
share one reader: `reload` and `nearest` hold the store's lock, so each commit is applied
once and no search sees a half-applied segment.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# onnxruntime (the sentence encoder's int8 layers, nlp.int8_encoder) crashed with a segfault when
# imported after usearch, whose extension carries its own copy of the C++ runtime: it comes first.
with contextlib.suppress(ImportError):
    import onnxruntime  # noqa: F401
from usearch.index import Index

from core.document import Document
from core.vectors import decode_vectors
from index.backend import IndexDamaged, PassageMatch, SearchError

__all__ = ["EXACT_BELOW", "PASSAGE_TEXT_CHARS", "VectorStore", "file_signature"]

DIMENSIONS = 512
PASSAGE_TEXT_CHARS = 400  # of each passage kept to show as the hit's fragment
EXACT_BELOW = 20_000  # passages: below this, search exhaustively (exact and still fast)
_MANIFEST = "manifest.json"


@dataclass
class _Segment:
    """The operations of one commit, in order."""

    # ("clear", None) | ("delete", ids) | ("add", (keys, vectors, entries))
    ops: list[tuple[str, Any]] = field(default_factory=list)

    def rows(self) -> int:
        return sum(len(arg[0]) for op, arg in self.ops if op == "add")


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """Inode, modification time and size: changes whenever the file is replaced by rename."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _fsync_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class VectorStore:
    """Passages (document id, page, text, vector) searchable by cosine similarity."""

    def __init__(self, folder: Path, *, writable: bool, compact_rows: int = 10_000) -> None:
        """`compact_rows`: segments hold at least this many passages before a snapshot is written."""
        self.folder = folder
        self.compact_rows = compact_rows
        self.writable = writable
        self._lock = threading.Lock()
        self._manifest_seen: tuple[int, int, int] | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self._pending = _Segment()
        self._reset()
        try:
            manifest = self._read_manifest()
            if manifest is not None:
                self._load(manifest)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as err:
            raise IndexDamaged(
                f"the passage vectors in {folder} are damaged and must be rebuilt (faldone reindex): {err}"
            ) from err

    # -- state -----------------------------------------------------------------------------------

    def _reset(self) -> None:
        self._index = Index(ndim=DIMENSIONS, metric="cos", dtype="i8")
        self._entries: dict[int, tuple[str, int, str]] = {}
        self._keys_of: dict[str, list[int]] = {}
        self._next_key = 0
        self._generation = 0
        self._snapshot = 0
        self._segments: list[int] = []
        self._segment_rows = 0

    def _apply(self, op: str, arg: Any) -> None:
        if op == "clear":
            generation, snapshot, segments = self._generation, self._snapshot, self._segments
            self._index = Index(ndim=DIMENSIONS, metric="cos", dtype="i8")
            self._entries, self._keys_of = {}, {}
            self._generation, self._snapshot, self._segments = generation, snapshot, segments
        elif op == "delete":
            gone = [key for doc_id in arg for key in self._keys_of.pop(doc_id, [])]
            if gone:
                self._index.remove(np.asarray(gone, dtype=np.uint64))
                for key in gone:
                    self._entries.pop(key, None)
        else:
            keys, vectors, entries = arg
            if len(keys):
                self._index.add(np.asarray(keys, dtype=np.uint64), vectors)
            for key, (doc_id, page, text) in zip(keys, entries, strict=True):
                self._entries[int(key)] = (doc_id, int(page), text)
                self._keys_of.setdefault(doc_id, []).append(int(key))
                self._next_key = max(self._next_key, int(key) + 1)

    # -- writing ---------------------------------------------------------------------------------

    def _need_writable(self) -> None:
        if not self.writable:
            raise SearchError("the passage vectors were opened read-only")

    def index(self, documents: list[Document]) -> None:
        """Replace the passages of `documents` (by id); visible to readers after `commit`."""
        self._need_writable()
        self._do("delete", [doc.id for doc in documents])
        keys: list[int] = []
        encoded: list[str] = []
        entries: list[tuple[str, int, str]] = []
        for doc in documents:
            text = doc.text
            for passage in doc.annotations.passages:
                keys.append(self._next_key + len(keys))
                encoded.append(passage.vector)
                fragment = " ".join(text[passage.start : passage.end].split())[:PASSAGE_TEXT_CHARS]
                entries.append((doc.id, passage.page, fragment))
        if keys:
            vectors = np.clip(np.rint(decode_vectors(encoded, DIMENSIONS) * 127.0), -127, 127).astype(np.int8)
            self._do("add", (keys, vectors, entries))

    def delete(self, ids: list[str]) -> None:
        self._need_writable()
        self._do("delete", list(ids))

    def clear(self) -> None:
        self._need_writable()
        self._do("clear", None)

    def _do(self, op: str, arg: Any) -> None:
        self._apply(op, arg)
        self._pending.ops.append((op, arg))

    def rollback(self) -> None:
        """Drop uncommitted writes (reloads the last commit)."""
        self._pending = _Segment()
        self._reset()
        manifest = self._read_manifest()
        if manifest is not None:
            self._load(manifest)

    def commit(self) -> None:
        """Write the pending operations as one segment and publish it (atomic manifest swap)."""
        self._need_writable()
        if not self._pending.ops:
            return
        generation = self._generation + 1
        self._write_segment(generation, self._pending)
        self._segment_rows += self._pending.rows()
        self._pending = _Segment()
        self._generation = generation
        self._segments.append(generation)
        if self._segment_rows > max(self.compact_rows, len(self._entries) // 4) or len(self._segments) > 256:
            self._write_snapshot(generation)
        self._write_manifest()

    def _write_segment(self, generation: int, segment: _Segment) -> None:
        ops: list[dict[str, Any]] = []
        arrays: dict[str, npt.NDArray[Any]] = {}
        for number, (op, arg) in enumerate(segment.ops):
            if op == "add":
                keys, vectors, entries = arg
                arrays[f"keys{number}"] = np.asarray(keys, dtype=np.int64)
                arrays[f"vectors{number}"] = vectors
                ops.append({"op": "add", "entries": [list(e) for e in entries]})
            else:
                ops.append({"op": op, "ids": arg})
        arrays["ops"] = np.frombuffer(json.dumps(ops).encode("utf-8"), dtype=np.uint8)
        path = self.folder / f"seg-{generation:06d}.npz"
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def _write_snapshot(self, generation: int) -> None:
        graph = self.folder / f"snap-{generation:06d}.usearch"
        tmp = graph.with_name(graph.name + ".tmp")
        self._index.save(str(tmp))
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, graph)
        lines = "".join(
            json.dumps([key, *entry], ensure_ascii=False) + "\n" for key, entry in self._entries.items()
        )
        _fsync_write(self.folder / f"snap-{generation:06d}.jsonl", lines.encode("utf-8"))
        self._snapshot = generation
        self._segments = []
        self._segment_rows = 0

    def _write_manifest(self) -> None:
        manifest = {
            "generation": self._generation,
            "snapshot": self._snapshot,
            "segments": self._segments,
            "next_key": self._next_key,
        }
        _fsync_write(self.folder / _MANIFEST, json.dumps(manifest).encode("utf-8"))
        _fsync_dir(self.folder)
        self._remove_unused()

    def _remove_unused(self) -> None:
        keep = {f"seg-{g:06d}.npz" for g in self._segments}
        if self._snapshot:
            keep |= {f"snap-{self._snapshot:06d}.usearch", f"snap-{self._snapshot:06d}.jsonl"}
        for path in self.folder.iterdir():
            if path.name != _MANIFEST and path.name not in keep and not path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)

    # -- reading ---------------------------------------------------------------------------------

    def _read_manifest(self) -> dict[str, Any] | None:
        path = self.folder / _MANIFEST
        if not path.exists():
            return None
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return manifest

    def _load(self, manifest: dict[str, Any]) -> None:
        """Apply `manifest` on top of what is loaded (from scratch if the snapshot moved past us)."""
        snapshot = int(manifest["snapshot"])
        if snapshot > self._generation or (snapshot and not self._generation):
            self._reset()
            self._index.load(str(self.folder / f"snap-{snapshot:06d}.usearch"))
            with open(self.folder / f"snap-{snapshot:06d}.jsonl", encoding="utf-8") as lines:
                for line in lines:
                    key, doc_id, page, text = json.loads(line)
                    self._entries[int(key)] = (doc_id, int(page), text)
                    self._keys_of.setdefault(doc_id, []).append(int(key))
            self._generation = snapshot
            self._snapshot = snapshot
        for generation in manifest["segments"]:
            if generation > self._generation:
                self._read_segment(int(generation))
                self._generation = generation
        self._snapshot = snapshot
        self._segments = [int(g) for g in manifest["segments"]]
        self._next_key = max(self._next_key, int(manifest["next_key"]))
        self._generation = max(self._generation, int(manifest["generation"]))

    def _read_segment(self, generation: int) -> None:
        with np.load(self.folder / f"seg-{generation:06d}.npz") as data:
            ops = json.loads(bytes(data["ops"]).decode("utf-8"))
            for number, op in enumerate(ops):
                if op["op"] == "add":
                    keys = [int(k) for k in data[f"keys{number}"]]
                    entries = [(e[0], int(e[1]), e[2]) for e in op["entries"]]
                    self._apply("add", (keys, data[f"vectors{number}"], entries))
                    self._segment_rows += len(keys)
                else:
                    self._apply(op["op"], op.get("ids"))

    def reload(self) -> None:
        """See the writer's latest commit (readers); a no-op when nothing changed."""
        if self.writable:
            return
        seen = file_signature(self.folder / _MANIFEST)
        if seen is not None and seen == self._manifest_seen:
            return
        with self._lock:
            self._reload()
            self._manifest_seen = seen

    def _reload(self) -> None:
        for _ in range(3):  # the writer may compact between our reading the manifest and a segment
            manifest = self._read_manifest()
            if manifest is None or int(manifest["generation"]) == self._generation:
                return
            try:
                self._load(manifest)
                return
            except FileNotFoundError:
                self._reset()
        raise SearchError("the passage vectors changed while being read; try again")

    def __len__(self) -> int:
        return len(self._entries)

    def nearest(self, vector: npt.NDArray[np.float32], k: int) -> list[PassageMatch]:
        """The `k` passages most similar to `vector`, most similar first (any document)."""
        with self._lock:
            if not self._entries or k <= 0:
                return []
            found = self._index.search(
                np.asarray(vector, dtype=np.float32),
                min(k, len(self._entries)),
                exact=len(self._entries) < EXACT_BELOW,
            )
            entries = [self._entries.get(key) for key in found.keys.tolist()]
        return [
            PassageMatch(doc_id=entry[0], page=entry[1], text=entry[2], score=1.0 - distance)
            for entry, distance in zip(entries, found.distances.tolist(), strict=True)
            if entry is not None
        ]
