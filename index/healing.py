"""Heal the embedded index: open it for writing, rebuilding it from the catalog when needed.

The catalog is the record; the index is derived from it. So a damaged index
(truncated segment, garbled ``meta.json``, a deleted file) or a missing one is
never a reason to stop: the damaged folder is set aside (``<index>.damaged``,
the previous such copy replaced) and the index is rebuilt from the catalog.
An intact index built with other settings (``phrase_pairs`` changed, or an
installation from before a schema change) is rebuilt too, but its folder is
removed: it holds nothing to look into, and at a million documents it is
gigabytes.
The writer lock (`index.writer_lock`) is held throughout, so no other process
writes while the folder is swapped.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.catalog import Catalog
from core.settings import Settings
from index.backend import IndexBuiltWithOtherSettings, IndexDamaged, SearchBackend
from index.backends import open_backend
from index.writer_lock import WriterLock

__all__ = ["Healed", "damaged_copy", "discard", "open_writer", "rebuild", "set_aside"]

log = logging.getLogger("faldone.index")

Progress = Callable[[int, int], None]  # (documents done, documents in all)


@dataclass
class Healed:
    backend: SearchBackend
    damage: str = ""  # why the index was rebuilt ("" when it was fine)
    rebuilt: int = 0  # documents put back from the catalog
    settings_changed: bool = False  # intact, but built with other settings (not damaged)


def damaged_copy(index_dir: Path) -> Path:
    return index_dir.parent / f"{index_dir.name}.damaged"


def set_aside(index_dir: Path) -> Path:
    """Move a damaged index folder out of the way (kept once, for a post-mortem)."""
    target = damaged_copy(index_dir)
    if target.exists():
        shutil.rmtree(target)
    if index_dir.exists():
        index_dir.rename(target)
    index_dir.mkdir(parents=True, exist_ok=True)
    return target


def discard(index_dir: Path) -> None:
    """Remove an intact index of other settings, leaving an empty folder to rebuild into."""
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True, exist_ok=True)


def rebuild(backend: SearchBackend, catalog: Catalog, progress: Progress | None = None) -> int:
    """Refill `backend` with every document of the catalog; returns the index's count."""
    total = catalog.count_documents()
    done = 0
    backend.start_rebuild()
    for batch in catalog.iter_documents():
        backend.index(batch)
        done += len(batch)
        if progress is not None:
            progress(done, total)
    backend.finish_rebuild()
    return backend.count()


def open_writer(
    settings: Settings, catalog: Catalog, progress: Progress | None = None, *, rebuild_always: bool = False
) -> Healed:
    """The index writer, healthy: rebuilt from the catalog if it was damaged, missing or empty.

    Raises `WriterBusy` when another live process holds the writer.
    """
    if settings.search_backend != "embedded":
        remote = open_backend(settings, writer=True)
        return Healed(remote, rebuilt=rebuild(remote, catalog, progress) if rebuild_always else 0)
    from index.backends.embedded import EmbeddedBackend  # only the engine this process runs

    path, pairs = settings.index_dir, settings.phrase_pairs
    lock = WriterLock(path).acquire()
    try:
        settings_changed = False
        try:
            backend: SearchBackend = EmbeddedBackend(path, writer=True, lock=lock, pairs=pairs)
            damage = ""
        except IndexBuiltWithOtherSettings as err:
            damage, settings_changed = str(err), True
            discard(path)
            log.warning("the search index was built with other settings; rebuilding it from the catalog")
            backend = EmbeddedBackend(path, writer=True, lock=lock, pairs=pairs)
        except IndexDamaged as err:
            damage = str(err)
            aside = set_aside(path)
            log.error("the search index is damaged (%s); set aside in %s, rebuilding it", err, aside)
            backend = EmbeddedBackend(path, writer=True, lock=lock, pairs=pairs)
    except BaseException:
        lock.release()
        raise
    in_catalog = catalog.count_documents()
    if not damage and not rebuild_always and backend.count() == 0 and in_catalog > 0:
        damage = f"the search index is empty or missing, the catalog has {in_catalog} documents"
        log.error("%s: rebuilding it from the catalog", damage)
    if not (damage or rebuild_always):
        return Healed(backend)
    started = time.monotonic()
    try:
        count = rebuild(backend, catalog, progress)
    except BaseException:
        backend.close()
        raise
    took = time.monotonic() - started
    log.warning("search index rebuilt from the catalog: %d documents in %.1f s", count, took)
    return Healed(backend, damage=damage, rebuilt=count, settings_changed=settings_changed)
