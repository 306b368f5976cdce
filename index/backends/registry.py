"""Search backends by name: each backend module registers its own opener.

The backend named ``x`` lives in ``index.backends.x`` and registers itself with
``@register_backend("x")``; ``open_backend`` imports that module on first use, so a
process only loads the engine it runs (the cluster backend never imports tantivy)
and adding a backend touches its own module and the conformance suite only.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from core.settings import Settings
from index.backend import SearchBackend, SearchError

__all__ = ["BackendOpener", "UnknownBackend", "backend_names", "open_backend", "register_backend"]


class BackendOpener(Protocol):
    def __call__(self, settings: Settings, *, writer: bool) -> SearchBackend: ...


class UnknownBackend(SearchError, ValueError):
    """No backend module of that name."""


_OPENERS: dict[str, BackendOpener] = {}


def register_backend(name: str) -> Callable[[BackendOpener], BackendOpener]:
    """Decorator for the function that opens backend `name` from the settings."""

    def register(opener: BackendOpener) -> BackendOpener:
        _OPENERS[name] = opener
        return opener

    return register


def _load(name: str) -> BackendOpener:
    if name not in _OPENERS and name.isidentifier():
        try:
            importlib.import_module(f"index.backends.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"index.backends.{name}":
                raise
    opener = _OPENERS.get(name)
    if opener is None:
        raise UnknownBackend(f"no search backend {name!r}; known: {', '.join(backend_names())}")
    return opener


def backend_names() -> list[str]:
    """Every backend that registers itself (imports each backend module once)."""
    for module in pkgutil.iter_modules([str(Path(__file__).resolve().parent)]):
        if module.name not in _OPENERS and "_" not in module.name and module.name != "registry":
            importlib.import_module(f"index.backends.{module.name}")
    return sorted(_OPENERS)


def open_backend(settings: Settings, *, writer: bool) -> SearchBackend:
    """The backend named by ``settings.search_backend``; only one process may pass ``writer=True``."""
    return _load(settings.search_backend)(settings, writer=writer)
