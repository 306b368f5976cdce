"""Windows code page names Python does not know by that spelling.

Outlook and mail headers name code pages ``windows-950``, ``windows-874``...;
Python knows those tables only as ``cp950``, ``cp874``. `register()` adds a codec
search function that maps one spelling to the other; it is called on import of
the mail modules, once per process.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

__all__ = ["register"]

_WINDOWS = re.compile(r"(?:windows|win|x_cp|ms)[-_ ]?(\d{3,5})")


def _search(name: str) -> codecs.CodecInfo | None:
    match = _WINDOWS.fullmatch(name.lower())
    if match is None:
        return None
    try:
        return codecs.lookup(f"cp{match.group(1)}")
    except LookupError:
        return None


@lru_cache(maxsize=1)
def register() -> None:
    """Install the search function (idempotent)."""
    codecs.register(_search)
