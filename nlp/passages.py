"""Passages for search by meaning: a few sentences of one page, embedded in batches.

A document is cut page by page into passages of up to `SENTENCES_PER_PASSAGE`
sentences (and at most `MAX_PASSAGE_CHARS` characters: a table or a run-on OCR
page has no sentence ends), so a semantic hit can show the passage that matched
and its page. The cost per document is bounded: at most `MAX_PASSAGES` passages
are embedded; a longer document keeps its first `MAX_PASSAGES // 2` passages (where
letters say what they are about) and passages spread evenly over the rest (so a
complaint told at the end is still found). The document says so:
``metadata["passages_total"]`` holds how many passages it had. An e-mail's passages come
from what its sender wrote: in a reply, quoted lines and the answered history are left out
(`nlp.quoted`), so a search by meaning finds the message that said it, not every reply.
A passage that is mostly code, configuration or markup (`nlp.prose`: most of its letters
blanked) is not embedded: the encoder reads language, and such passages would match
queries by chance.

`embed_passages` embeds the passages of a whole batch of documents in few encoder
calls (`nlp.embedding.embed`, chunks of `EMBED_BATCH`) and stores them in
``doc.annotations.passages`` with their page and offsets into ``doc.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.document import PAGE_BREAK, Document, Passage
from core.vectors import encode_vector
from nlp.embedding import embed
from nlp.prose import for_ner
from nlp.quoted import unquoted_segments

__all__ = [
    "EMBED_BATCH",
    "MAX_PASSAGES",
    "MAX_PASSAGE_CHARS",
    "SENTENCES_PER_PASSAGE",
    "Span",
    "embed_passages",
    "split_passages",
]

MAX_PASSAGES = 16
SENTENCES_PER_PASSAGE = 3
MAX_PASSAGE_CHARS = 600
EMBED_BATCH = 64
_MIN_LETTERS = 12  # fewer letters than this (a page number, a signature line) is not a passage

# A sentence ends at . ! ? … followed by space, or at a line break followed by a blank line.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+|\n\s*\n")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Span:
    """A passage: its page (from 1) and offsets into `Document.text`."""

    page: int
    start: int
    end: int


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    out: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > MAX_PASSAGE_CHARS:  # cut a run-on "sentence" at a space
            cut = text.rfind(" ", start, start + MAX_PASSAGE_CHARS)
            cut = cut if cut > start else start + MAX_PASSAGE_CHARS
            out.append((start, cut))
            start = cut + 1
        out.append((start, end))
    return [(s, e) for s, e in out if e > s]


def _page_passages(text: str) -> list[tuple[int, int]]:
    passages: list[tuple[int, int]] = []
    group: list[tuple[int, int]] = []
    for start, end in _sentences(text):
        if group and (len(group) >= SENTENCES_PER_PASSAGE or end - group[0][0] > MAX_PASSAGE_CHARS):
            passages.append((group[0][0], group[-1][1]))
            group = []
        group.append((start, end))
    if group:
        passages.append((group[0][0], group[-1][1]))
    return [(s, e) for s, e in passages if len(_LETTER.findall(text[s:e])) >= _MIN_LETTERS]


def _mostly_blanked(text: str, read: str) -> bool:
    """True when fewer than half the letters of `text` are left in its prose reading."""
    return len(_LETTER.findall(read)) * 2 < len(_LETTER.findall(text))


def _select(spans: list[Span], cap: int) -> list[Span]:
    if len(spans) <= cap:
        return spans
    head = cap // 2
    rest = spans[head:]
    picks = cap - head
    step = len(rest) / picks
    return spans[:head] + [rest[int(i * step)] for i in range(picks)]


def split_passages(doc: Document, cap: int = MAX_PASSAGES) -> tuple[list[Span], int]:
    """(the passages to embed, at most `cap`; how many the document has in all)."""
    spans: list[Span] = []
    offset = 0
    for page in doc.pages:
        # A reply's quoted lines and answered history are the earlier messages' passages.
        segments = unquoted_segments(page.text, doc.email.subject) if doc.email else [(0, len(page.text))]
        for first, last in segments:
            segment = page.text[first:last]
            read = for_ner(segment)
            for start, end in _page_passages(segment):
                if _mostly_blanked(segment[start:end], read[start:end]):
                    continue  # code, configuration or markup: no meaning to search by
                spans.append(Span(page.number, offset + first + start, offset + first + end))
        offset += len(page.text) + len(PAGE_BREAK)
    return _select(spans, cap), len(spans)


def embed_passages(docs: list[Document], cap: int = MAX_PASSAGES) -> int:
    """Split and embed the passages of `docs` (batched); returns how many were embedded."""
    chosen: list[tuple[Document, Span]] = []
    for doc in docs:
        spans, total = split_passages(doc, cap)
        if total > len(spans):
            doc.metadata["passages_total"] = total
        chosen += [(doc, span) for span in spans]
        doc.annotations.passages = []
    texts = {doc.id: doc.text for doc in docs}
    for first in range(0, len(chosen), EMBED_BATCH):
        batch = chosen[first : first + EMBED_BATCH]
        vectors = embed([" ".join(texts[doc.id][s.start : s.end].split()) for doc, s in batch], remember=True)
        for (doc, span), vector in zip(batch, vectors, strict=True):
            doc.annotations.passages.append(Passage(span.page, span.start, span.end, encode_vector(vector)))
    return len(chosen)
