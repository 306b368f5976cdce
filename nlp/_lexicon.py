"""Loading the data files shipped in `nlp/data` (tab-separated, "#" comments), and cue patterns.

A cue is a case-insensitive regular expression matched on whole words (`compile_cue`).
Dozens of cues are searched in every text, and a search that finds nothing reads the
whole text; a `CuePattern` first checks that some word of the text begins the way a
match must begin (the literal letters that open each alternative), which most cues fail
for most texts. The answer is the regular expression's own: the check only skips
searches that cannot succeed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["DATA_DIR", "Cue", "CuePattern", "compile_cue", "read_rows", "split_alternatives"]

DATA_DIR = Path(__file__).resolve().parent / "data"

_BEGINNING = 4  # letters of a word's beginning that are compared
_WORD = re.compile(r"\w+")
# Characters that `re.IGNORECASE` equates with others beyond what `str.lower` does (Python's
# `re._casefix`: dotless i, long s, micro sign, Greek and Cyrillic variants…); a text holding
# one is searched without the check.
_CASE_EXTRAS = frozenset("µıſͅΐΰβεθικμπρςσφϐϑϕϖϰϱϵвдостъѣᲀᲁᲂᲃᲄᲅᲆᲇᲈṡẛιΐΰꙋﬅﬆ")


def read_rows(name: str) -> list[list[str]]:
    """Non-comment, non-blank rows of `nlp/data/<name>`, split on tabs."""
    # A plain path, not importlib.resources: that fails on setuptools' editable installs.
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class CuePattern:
    """A whole-word, case-insensitive pattern, and how its matches can begin."""

    pattern: re.Pattern[str]
    beginnings: frozenset[str] | None  # a match's first word begins with one of these; None: unknown

    def search(self, text: str) -> bool:
        """True when the pattern occurs in `text` (as `pattern.search` would say)."""
        if self.beginnings is not None:
            words = _word_beginnings(text)
            if words is not None and self.beginnings.isdisjoint(words):
                return False
        return self.pattern.search(text) is not None


Cue = tuple[str, float, CuePattern]  # (group, weight, pattern)


def compile_cue(pattern: str) -> CuePattern:
    """A case-insensitive pattern that matches whole words only."""
    compiled = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)
    return CuePattern(compiled, _beginnings(pattern))


def split_alternatives(pattern: str) -> list[str]:
    """The top-level `|` alternatives of a regular expression (groups and classes kept whole)."""
    parts, start = [], 0
    for i, depth in _syntax(pattern):
        if pattern[i] == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _syntax(pattern: str) -> Iterator[tuple[int, int]]:
    """(index, depth of parentheses after it) of each `(`, `)` and `|` that is syntax: not
    escaped, not inside a character class."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()|":
            depth += 1 if char == "(" else -1 if char == ")" else 0
            yield i, depth
        i += 1


def _beginnings(pattern: str) -> frozenset[str] | None:
    """Lower-case word beginnings (at most `_BEGINNING` letters), one of which every match of
    `pattern` starts with; None when that cannot be read off the pattern."""
    out: set[str] = set()
    for alternative in split_alternatives(pattern):
        found = _alternative_beginnings(alternative)
        if found is None:
            return None
        out |= found
    return frozenset(out)


def _alternative_beginnings(alternative: str) -> set[str] | None:
    if alternative.startswith("(?:"):  # a group first: its own alternatives' beginnings
        end = _group_end(alternative)
        if end is None or alternative[end + 1 : end + 2] in ("?", "*", "{"):
            return None  # an optional group: the match may begin after it
        found = _beginnings(alternative[3:end])
        return None if found is None else set(found)
    run = ""
    for char in alternative:
        if not (char.isalnum() or char == "_"):
            break
        run += char
    if alternative[len(run) : len(run) + 1] in ("?", "*", "{"):
        run = run[:-1]  # the last letter is optional
    lowered = run.lower()
    if not run or len(lowered) != len(run) or not _CASE_EXTRAS.isdisjoint(lowered):
        return None  # nothing to compare, or letters `str.lower` does not compare as `re` does
    return {lowered[:_BEGINNING]}


def _group_end(text: str) -> int | None:
    """Index of the parenthesis closing the group opened at `text[0]`."""
    return next((i for i, depth in _syntax(text) if depth == 0 and text[i] == ")"), None)


@lru_cache(maxsize=8)
def _word_beginnings(text: str) -> frozenset[str] | None:
    """Every beginning (1 to `_BEGINNING` letters) of the words of `text`, lower-cased; None
    when lower-casing is not how the patterns compare this text."""
    lowered = text.lower()
    if len(lowered) != len(text) or not _CASE_EXTRAS.isdisjoint(lowered):
        return None
    # The shorter beginnings of a word are those of its longest one: take those once per distinct one.
    longest = {word[:_BEGINNING] for word in _WORD.findall(lowered)}
    out = set(longest)
    for n in range(1, _BEGINNING):
        out.update([word[:n] for word in longest])
    return frozenset(out)
