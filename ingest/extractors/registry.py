"""Every `Extractor` subclass in the ``ingest.extractors`` package, and the choice among them.

Modules are discovered with `pkgutil`: adding a format is adding one module.
Built-ins and add-ons are registered the same way.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import lru_cache

from ingest import extractors as _package
from ingest.errors import UnsupportedFormat
from ingest.extractors.base import Extractor

__all__ = ["all_extractors", "extractor_for"]


@lru_cache(maxsize=1)
def all_extractors() -> tuple[type[Extractor], ...]:
    """The extractor classes defined in the package's modules, in a stable order."""
    found: list[type[Extractor]] = []
    for module_info in sorted(pkgutil.iter_modules(_package.__path__), key=lambda info: info.name):
        if module_info.name.startswith("_") or module_info.ispkg:
            continue
        module = importlib.import_module(f"{_package.__name__}.{module_info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            # only classes defined here, so an import of another extractor is not counted twice
            if (
                issubclass(cls, Extractor)
                and cls.__module__ == module.__name__
                and cls.MIME_TYPES  # an intermediate base class reads nothing by itself
                and not inspect.isabstract(cls)
            ):
                found.append(cls)
    return tuple(found)


def extractor_for(mime_type: str, filename: str = "") -> Extractor:
    """The extractor with the highest `SCORE` among those that read `mime_type`.

    On equal scores, the one that also claims the file's extension wins.
    """
    candidates = [cls for cls in all_extractors() if mime_type in cls.MIME_TYPES]
    if not candidates:
        shown = filename or "this file"
        raise UnsupportedFormat(f"no extractor reads {mime_type} ({shown})")
    lowered = filename.lower()

    def rank(cls: type[Extractor]) -> tuple[int, bool, str]:
        claims_extension = any(lowered.endswith(ext) for ext in cls.EXTENSIONS)
        return (cls.SCORE, claims_extension, cls.__qualname__)

    return max(candidates, key=rank)()
