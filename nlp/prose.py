"""What of a text NER reads: its prose, with the text no name can be in blanked.

Mail carries a lot that is not written language: patches and source code, kernel
configurations, HTML tags, base64 blocks, separator rules. spaCy's NER costs time per
token and names nothing useful there (what it tags in a diff or a ``CONFIG_…=y`` line
is noise that `nlp.entities.ner` would mostly drop), so `for_ner` blanks it before NER
runs: same length and offsets, every blanked character a space, line breaks kept
where a blanked stretch ends. Pattern entities (addresses, IBANs, VAT ids…) still read
the whole text.

What is blanked, line by line:
- lines without a letter (rules, numbers, punctuation): PERSON, ORG and LOC have letters;
- patches: a diffstat's lines, and from a ``diff --git``, ``--- a/``, ``+++ b/`` or
  ``@@ -n,m +n,m @@`` header the lines that continue it (starting with ``+``, ``-``, a space,
  ``@@``, ``\\`` or a git header such as ``index …``);
- assignments in configuration files (``CONFIG_X=y``, ``# CONFIG_X is not set``);
- source code: preprocessor lines, lines ending in ``;``, ``{`` or ``}`` that hold code
  (``->``, ``==``, ``f(``, ``x = …``; not a list item such as ``a) il Sig. Rossi (RM);``), and
  lines dense with brackets and operators;
and within any line: markup tags, character entities (``&nbsp;``) and runs of 40 or more
characters without a space (base64, long links).
"""

from __future__ import annotations

import re

__all__ = ["for_ner", "nameless_spans"]

_LETTER = re.compile(r"[^\W\d_]")
_DIFF_START = re.compile(r"diff --git |@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@|--- a/|\+\+\+ b/|--- /dev/null")
_DIFF_BODY = re.compile(
    r"[-+ @\\]|$|index |(?:new |deleted )?file mode |(?:old|new) mode |similarity |rename "
)
_DIFFSTAT = re.compile(r"\s\S+\s+\|\s+(?:\d+ ?[-+]*|Bin .*)\s*$")
_CONFIG = re.compile(r"\s*#?\s*[A-Z][A-Z0-9_]{2,}(?:=|\s+is not set\s*$)")
_PREPROCESSOR = re.compile(r"\s*#\s*(?:include|define|undef|if|ifdef|ifndef|else|elif|endif|pragma)\b")
_CODE_END = re.compile(r"[;{}]\s*$")
# what source code has and prose lists ending in ";" do not ("a) il Sig. Mario Rossi (RM);")
_CODE_TOKEN = re.compile(
    r"->|[=!<>]=|&&|\|\||\+\+|::|\w\(|\w\[|\w\.\w+\(|=\s*[-\w&(\"'{]|"
    r"^\s*(?:return|if|else|for|while|switch|case|static|struct|int|void|char|unsigned|const|u\d\d)\b"
)
_CODE_MARK = re.compile(r"[{}()\[\];=<>&*\\]")
# markup tags (not "<name@example.com>"), character entities, runs of 40+ characters without a space
_IN_LINE = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>\n]{0,400})?/?>|<!--.*?-->|&#?\w{1,8};|\S{40,}")


def nameless_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) stretches of `text` that no name can be in."""
    spans: list[tuple[int, int]] = []
    in_diff = False
    position = 0
    for line in text.split("\n"):
        end = position + len(line)
        in_diff = bool(_DIFF_START.match(line)) or (in_diff and bool(_DIFF_BODY.match(line)))
        marks = list(_IN_LINE.finditer(line))
        if in_diff or _DIFFSTAT.match(line) or _is_code(_IN_LINE.sub(" ", line) if marks else line):
            spans.append((position, end))
        else:
            spans += [(position + m.start(), position + m.end()) for m in marks]
        position = end + 1
    return _merge(spans, text)


def for_ner(text: str) -> str:
    """`text` with `nameless_spans` blanked: same length, offsets unchanged."""
    spans = nameless_spans(text)
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        # A run of blanked lines becomes one stretch of spaces (one token, not one per line);
        # its last line break stays, so the prose on either side keeps its own line.
        last = text.rfind("\n", start, end)
        if last < 0:
            parts.append(" " * (end - start))
        else:
            parts.append(" " * (last - start) + "\n" + " " * (end - last - 1))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _is_code(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False  # an empty line costs nothing and separates paragraphs
    letters = len(_LETTER.findall(stripped))
    if letters == 0:
        return True
    if _CONFIG.match(line) or _PREPROCESSOR.match(line):
        return True
    if _CODE_END.search(stripped) and _CODE_TOKEN.search(stripped):
        return True
    marks = len(_CODE_MARK.findall(stripped))
    return marks >= 4 and marks * 4 > letters


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join spans separated only by line breaks or spaces, so a run of lines is one span."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if start >= end:
            continue
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
