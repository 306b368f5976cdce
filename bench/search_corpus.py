"""The search benchmark's corpus: ≥ 200k documents of real Italian and English text.

Source: the Debian documentation installed by ``apt-get install -y debian-reference-it
debian-reference-en debian-handbook maint-guide-it maint-guide developers-reference-it
developers-reference debian-faq-it debian-faq`` (HTML under ``/usr/share/debian-reference``,
``/usr/share/developers-reference`` and ``/usr/share/doc``). Every paragraph (``<p>``,
``<li>``, ``<dd>``, ``<td>``, the handbook's ``<div class="para">``) of at least eight
words becomes a *base* paragraph, tagged with the language of its file; repeats are dropped.

There are fewer base paragraphs than documents, so document ``n`` is built from base
paragraph ``i = n mod P`` in *round* ``r = n div P``: round 0 is the paragraph alone;
round r > 0 appends a second paragraph of the same language chosen by a fixed stride
``(i * 7919 + r * 104729) mod P_lang`` as a second page. Every document is real prose,
almost all are distinct, and the vocabulary is that of the documentation.
Metadata (date 2019–2025, type, category, sender, complaint, sentiment, customer) is
drawn from a seeded random generator so that filters and facets have realistic spreads.

The built corpus is cached (``<cache>/corpus.jsonl.gz``) and reused by later runs.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from core.document import Annotations, Document, EmailHeaders, Page

__all__ = ["APT_PACKAGES", "build_corpus", "load_corpus", "to_document"]

APT_PACKAGES = [
    "debian-reference-it",
    "debian-reference-en",
    "debian-handbook",
    "maint-guide-it",
    "maint-guide",
    "developers-reference-it",
    "developers-reference",
    "debian-faq-it",
    "debian-faq",
]
SOURCES: list[tuple[str, str, str]] = [
    # (folder, glob, language)
    ("/usr/share/debian-reference", "*.it.html", "it"),
    ("/usr/share/debian-reference", "*.en.html", "en"),
    ("/usr/share/doc/debian-handbook/html/it-IT", "*.html", "it"),
    ("/usr/share/doc/debian-handbook/html/en-US", "*.html", "en"),
    ("/usr/share/doc/maint-guide-it/html", "*.html", "it"),
    ("/usr/share/doc/maint-guide/html", "*.html", "en"),
    ("/usr/share/developers-reference/it", "*.html", "it"),
    ("/usr/share/developers-reference", "*.html", "en"),
    ("/usr/share/doc/debian/FAQ/it", "*.html", "it"),
    ("/usr/share/doc/debian/FAQ", "*.html", "en"),
]
_BLOCKS = {"p", "li", "dd", "td"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr"}
_SPACE = re.compile(r"\s+")
_MIN_WORDS = 8
_CATEGORIES = ["billing", "delivery", "contract", "support", "other", "legal", "hr"]
_TYPES = [("application/pdf", 5), ("message/rfc822", 3), ("text/html", 1), ("text/plain", 1)]
_CUSTOMERS = ["ACME", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]
_START = datetime(2019, 1, 1, tzinfo=UTC)


class _Paragraphs(HTMLParser):
    """Text of block elements (``<p>``..., and the handbook's ``<div class="para">``)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.current: list[str] = []
        self.found: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        block = tag in _BLOCKS or (tag == "div" and "para" in (dict(attrs).get("class") or "").split())
        self.stack.append((tag, block))
        if block:
            if self.depth == 0:
                self.current = []
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if all(opened != tag for opened, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            opened, block = self.stack.pop()
            if block:
                self.depth -= 1
                if self.depth == 0:
                    self._close()
            if opened == tag:
                return

    def _close(self) -> None:
        text = _SPACE.sub(" ", "".join(self.current)).strip()
        if len(text.split()) >= _MIN_WORDS:
            self.found.append(text)

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.current.append(data)


def _paragraphs() -> dict[str, list[str]]:
    by_language: dict[str, list[str]] = {"it": [], "en": []}
    for folder, pattern, language in SOURCES:
        for path in sorted(Path(folder).glob(pattern)):
            parser = _Paragraphs()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            by_language[language] += parser.found
    for language, found in by_language.items():
        by_language[language] = list(dict.fromkeys(found))  # drop repeated boilerplate
    return by_language


def _records(size: int) -> Iterator[dict[str, Any]]:
    paragraphs = _paragraphs()
    base = [(text, language) for language in ("it", "en") for text in paragraphs[language]]
    if len(base) < 1000:
        raise SystemExit(f"only {len(base)} paragraphs found: apt-get install -y {' '.join(APT_PACKAGES)}")
    rng = random.Random(20240501)
    types, weights = zip(*_TYPES, strict=True)
    for n in range(size):
        index, round_ = n % len(base), n // len(base)
        text, language = base[index]
        pages = [text]
        if round_:
            pool = paragraphs[language]
            pages.append(pool[(index * 7919 + round_ * 104729) % len(pool)])
        mime = rng.choices(types, weights)[0]
        yield {
            "id": f"d{n:07d}",
            "pages": pages,
            "language": language,
            "mime": mime,
            "date": (_START + timedelta(minutes=rng.randrange(7 * 365 * 24 * 60))).isoformat(),
            "category": rng.choice(_CATEGORIES),
            "sender": f"user{rng.randrange(500)}@example.{language}" if mime == "message/rfc822" else "",
            "complaint": rng.random() < 0.15,
            "sentiment": round(rng.uniform(-1, 1), 3),
            "customers": rng.sample(_CUSTOMERS, rng.randrange(3)),
        }


def build_corpus(cache: Path, size: int) -> Path:
    """Write `size` records to ``cache/corpus-<size>.jsonl.gz`` unless already there."""
    path = cache / f"corpus-{size}.jsonl.gz"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as out:
        for record in _records(size):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path


def load_corpus(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def to_document(record: dict[str, Any]) -> Document:
    pages = record["pages"]
    text_size = sum(len(p.encode()) for p in pages)
    email = None
    if record["mime"] == "message/rfc822":
        email = EmailHeaders(sender=record["sender"], to=["ufficio@example.it"], subject=pages[0][:60])
    return Document(
        id=record["id"],
        sha256=record["id"].ljust(64, "0"),
        filename=f"{record['id']}.{'eml' if email else 'pdf'}",
        mime_type=record["mime"],
        size=text_size,
        source="bench",
        root_id=record["id"],
        title=pages[0][:80],
        pages=[Page(number=i + 1, text=text) for i, text in enumerate(pages)],
        date=datetime.fromisoformat(record["date"]),
        email=email,
        annotations=Annotations(
            language=record["language"],
            sentiment=record["sentiment"],
            complaint=record["complaint"],
            category=record["category"],
            customers=record["customers"],
        ),
    )
