"""Search backend implementations and the factory that picks one from the settings.

open_backend(settings, writer=True)   # the worker: owns the index writer
open_backend(settings, writer=False)  # API processes: readers, call refresh()
"""

from __future__ import annotations

from core.settings import Settings
from index.backend import SearchBackend
from index.backends.cluster import ClusterBackend
from index.backends.embedded import EmbeddedBackend

__all__ = ["ClusterBackend", "EmbeddedBackend", "open_backend"]


def open_backend(settings: Settings, *, writer: bool) -> SearchBackend:
    """The backend named by ``settings.search_backend``; only one process may pass ``writer=True``."""
    if settings.search_backend == "cluster":
        return ClusterBackend(settings.cluster_url, settings.cluster_index, writer=writer)
    return EmbeddedBackend(settings.index_dir, writer=writer)
