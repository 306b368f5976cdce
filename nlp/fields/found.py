"""What a key-field rule returns (`Found`), and two helpers rules of every kind share.

Labels are printed in any case ("TOTAL", "Total"), so they are matched without
regard to it (`label`). A row is told for a label, a bare value or a name by
its share of letters (`letter_share`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.fields.layout import Box

__all__ = ["Found", "label", "letter_share"]


@dataclass(frozen=True)
class Found:
    """A field value found by a rule: normalised value, text as printed, confidence 0–1, box."""

    name: str
    value: str
    text: str
    confidence: float
    box: Box | None


def label(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def letter_share(text: str) -> float:
    chars = [ch for ch in text if not ch.isspace()]
    return sum(ch.isalpha() for ch in chars) / max(1, len(chars))
