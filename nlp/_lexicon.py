"""Loading the data files shipped in `nlp/data` (tab-separated, "#" comments)."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["DATA_DIR", "Cue", "compile_cue", "read_rows"]

DATA_DIR = Path(__file__).resolve().parent / "data"

Cue = tuple[str, float, re.Pattern[str]]  # (group, weight, pattern)


def read_rows(name: str) -> list[list[str]]:
    """Non-comment, non-blank rows of `nlp/data/<name>`, split on tabs."""
    # A plain path, not importlib.resources: that fails on setuptools' editable installs.
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def compile_cue(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern that matches whole words only."""
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)
