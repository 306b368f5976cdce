"""Search backend implementations, registered by name, and the factory that opens one.

open_backend(settings, writer=True)   # the worker: owns the index writer
open_backend(settings, writer=False)  # API processes: readers, call refresh()
"""

from __future__ import annotations

from index.backends.registry import UnknownBackend, backend_names, open_backend, register_backend

__all__ = ["UnknownBackend", "backend_names", "open_backend", "register_backend"]
