"""The part of an e-mail reply its sender wrote: quoted lines and the answered history blanked.

A reply carries the messages it answers: lines quoted with ``>`` and, below a marker, the
whole earlier message ("-----Original Message-----", "On Mon, 3 May 2021, Anna wrote:",
"Il giorno 3 mag 2021, Anna ha scritto:", an Outlook header block "From: … Sent: …" or
"Da: … Inviato: …"). Those messages are in the archive already (they came in or went out
before), so reading them again in every reply of a thread adds their names, passages and
complaint to each reply and costs NLP work per message.

A forward is different: what it carries is the content being passed on, often never seen
by this mailbox. A message whose subject says it is forwarded ("Fwd:", "FW:", "I:",
"Inoltro:", "TR:") or whose history opens with "Forwarded message" / "Messaggio inoltrato"
is read whole, and so is a message with no letters of its own outside the history. An
unquoted history (a header block, "Original Message") is cut only from a reply, whose
subject says so ("Re:", "R:", "AW:", "Rif:", after any list tags): without it the block
may be a message passed on without "Fwd:" (a list that renames subjects).

`own_text` returns the text with the answered parts replaced by spaces (newlines kept), so
every offset into it is an offset into the original: entities found in it index
`Document.text` as before. Only the NLP stages use it (names, sentiment, complaint,
category, passages); the keyword index, identifiers and addresses still read the whole text.
"""

from __future__ import annotations

import re

__all__ = ["own_text", "quoted_spans", "unquoted_segments"]

_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
# A line that opens the answered history: from it on, the earlier message. "On …/Il … wrote:"
# must carry a date or time before "wrote" ("Il direttore ha scritto: …" is prose).
_HISTORY = re.compile(
    r"^[ \t]*(?:"
    r"-{2,}[ \t]*(?P<marker>original message|messaggio originale|forwarded message|messaggio inoltrato)"
    r"[ \t]*-{2,}"
    r"|(?P<wrote>(?:on|il)\b[^\n\d]{0,200}\d[^\n]{0,200}(?:\n[^\n]{0,100})?\b(?:wrote|ha scritto)[ \t]*:)"
    r"|(?:from|da)[ \t]*:[^\n]*\n(?:[ \t]*\S[^\n]*\n){0,3}?[ \t]*(?:sent|date|inviato|data)[ \t]*:"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD_MARKERS = ("forwarded message", "messaggio inoltrato")
_TAGS = r"^\s*(?:\[[^\]\n]*\]\s*)*"  # list tags before the prefix: "[ILUG] Re: …"
_FORWARD_SUBJECT = re.compile(
    _TAGS + r"(?:(?:re|r|aw|sv)\s*:\s*)*(?:fwd?|fw|i|inoltro|inoltra|tr|wg)\s*:", re.I
)
_REPLY_SUBJECT = re.compile(_TAGS + r"(?:re|r|aw|sv|rif|ris)\s*(?:\[\d+\]\s*)?:", re.I)
# "… wrote:" followed by quoted lines: an inline reply, the answers stand between the quotes.
_QUOTED_NEXT = re.compile(r"[ \t]*\n(?:[ \t]*\n)*[ \t]*>")
_LETTER = re.compile(r"[^\W\d_]")
_NOT_NEWLINE = re.compile(r"[^\n]")


def quoted_spans(text: str, subject: str = "") -> list[tuple[int, int]]:
    """(start, end) of the quoted lines and of the answered history, sorted, not overlapping;
    none for a forward or when nothing with letters would be left."""
    if (">" not in text and ":" not in text) or _FORWARD_SUBJECT.match(subject):
        return []
    cut = len(text)
    spans: list[tuple[int, int]] = []
    for marker in _HISTORY.finditer(text):
        if (marker.group("marker") or "").lower() in _FORWARD_MARKERS:
            return []
        if marker.group("wrote") and _QUOTED_NEXT.match(text, marker.end()):
            spans.append((marker.start(), marker.end()))
            continue
        if _REPLY_SUBJECT.match(subject):  # without "Re:" the block may be what is passed on
            cut = marker.start()
        break
    spans += [(line.start(), line.end()) for line in _QUOTED_LINE.finditer(text, 0, cut)]
    spans.sort()
    if cut < len(text):
        spans.append((cut, len(text)))
    if not any(_LETTER.search(text, start, end) for start, end in _gaps(spans, len(text))):
        return []
    return spans


def unquoted_segments(text: str, subject: str = "") -> list[tuple[int, int]]:
    """(start, end) of the runs of `text` that its sender wrote (see `quoted_spans`)."""
    return _gaps(quoted_spans(text, subject), len(text))


def own_text(text: str, subject: str = "") -> str:
    """`text` with the quoted lines and the answered history blanked (same length and offsets)."""
    spans = quoted_spans(text, subject)
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts += [text[position:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _gaps(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    gaps: list[tuple[int, int]] = []
    position = 0
    for start, end in spans:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < length:
        gaps.append((position, length))
    return gaps
