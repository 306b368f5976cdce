"""The worker's NLP and indexing stage: bounded per document, shared across identical
content, and run beside the claiming loop instead of inside it.

- **Bounded.** The annotator sees at most `NLP_MAX_CHARS` characters of a document
  (the head, where letters say what they are about); pattern entities (IBAN, VAT ids,
  e-mail addresses...) are still found in the whole text, since regular expressions
  cost little. A cut document says so: ``metadata["nlp_limit"]`` holds the limit and
  ``metadata["nlp_chars"]`` the full length.
- **Shared.** Documents whose text and subject are the same (72 copies of one file in
  an archive, the same attachment in a thread) are annotated once: the result is kept
  in a small LRU cache by content hash and copied to each; stored corrections are
  then applied per document id, so a correction of one copy never leaks to another.
- **Beside the loop.** `IndexLane` runs each batch's NLP and indexing in one
  background thread, in order, so the claiming loop keeps every extraction child fed
  while NLP works; the text waiting for it is bounded (`max_chars` characters, 64
  million by default), which keeps memory flat when NLP is slower than extraction
  (the loop then waits, never the other way round). The next batch's NLP is started
  before a batch is stored (`Staged`, `BoundedAnnotator.begin`), so NLP processes do
  not idle while the worker indexes and records.
- **Machine-made records** (`nlp.machine_made`): e-invoices, PEC receipts, SdI
  notifications, bounces and automatic replies are not complaints and have no tone,
  whatever the heads read in their words; decided per document from its metadata (the
  content cache is shared by text, the metadata is not), before stored corrections.
- **Passages.** With a `passages` embedder (`nlp.passages.embed_passages`), each distinct
  content is also cut into passages and embedded for search by meaning, in one batched
  call per batch, on the whole text (the embedder bounds its own cost: at most
  `nlp.passages.MAX_PASSAGES` passages per document); copies share the vectors. When the
  embedder is the annotator's own and it can do both in one call (`start_with_passages`
  of the NLP processes, `ingest.nlp_processes`), it is asked once per batch, so the batch
  waits for its slowest process once, not twice.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from core.document import Annotations, Document, Page
from nlp.corrections import apply_corrections
from nlp.entities import find_pattern_entities, merge_entities
from nlp.machine_made import mark_machine_made

__all__ = ["NLP_MAX_CHARS", "BoundedAnnotator", "IndexLane", "Staged"]

NLP_MAX_CHARS = 100_000
_CACHE_SIZE = 256

log = logging.getLogger("faldone.worker")


class _Annotates(Protocol):
    def annotate(self, docs: list[Document]) -> None: ...


class BoundedAnnotator:
    """Wraps an annotator: per-document limit, results reused for identical content."""

    def __init__(
        self,
        annotator: _Annotates,
        *,
        max_chars: int = NLP_MAX_CHARS,
        cache_size: int = _CACHE_SIZE,
        corrections: Callable[[list[str]], Mapping[str, Sequence[Any]]] | None = None,
        passages: Callable[[list[Document]], object] | None = None,
    ) -> None:
        self.annotator = annotator
        self.passages = passages
        self.max_chars = max_chars
        self.cache_size = cache_size
        self.corrections = corrections
        self._cache: OrderedDict[str, Annotations] = OrderedDict()
        self.reused = 0  # documents that got a cached result (for tests and logs)
        # When the embedder is the annotator's own (`ProcessAnnotator.passages`), both in one call.
        own = passages is not None and passages == getattr(annotator, "passages", None)
        self._together: Callable[[list[Document], list[Document]], Callable[[], None]] | None = (
            getattr(annotator, "start_with_passages", None) if own else None
        )

    def annotate(self, docs: list[Document]) -> None:
        """Set `doc.annotations` for every document, annotating each distinct content once."""
        self.begin(docs)()

    def begin(self, docs: list[Document]) -> Callable[[], None]:
        """Start annotating `docs`; the returned function waits for the results and sets them.

        With NLP processes the work is handed to them now and this returns at once (the
        caller can store an earlier batch meanwhile); in-process, the returned function does
        the work. Contents found in the cache now are copied, the rest annotated: a content
        also in a batch begun earlier and not finished yet is annotated by both.
        """
        keys = [_content_key(doc) for doc in docs]
        # This batch's results, held here: a batch of more distinct contents than the cache holds
        # pushes its own first results out of the cache before they are copied to their documents.
        found = {key: self._cache[key] for key in keys if key in self._cache}
        fresh: dict[str, Document] = {}
        for doc, key in zip(docs, keys, strict=True):
            if key not in found and key not in fresh:
                fresh[key] = doc
        proxies = [self._proxy(key, doc) for key, doc in fresh.items()]
        whole = list(fresh.values())  # passages read the whole text: the embedder caps its own cost
        annotated = self._start(proxies, whole) if fresh else _nothing

        def finish() -> None:
            annotated()
            if self.passages is not None:
                for key, proxy in zip(fresh, proxies, strict=True):
                    proxy.annotations.passages = fresh[key].annotations.passages
            for key, proxy in zip(fresh, proxies, strict=True):
                found[key] = self._whole_text_patterns(fresh[key], proxy.annotations)
                self._remember(key, found[key])
            self._copy(docs, keys, found, fresh)

        return finish

    def _start(self, proxies: list[Document], whole: list[Document]) -> Callable[[], None]:
        """The annotator and the embedder started on a batch's distinct contents; returns the wait."""
        if self._together is not None:  # NLP processes: one round trip per batch, begun now
            return self._together(proxies, whole)

        def annotate() -> None:
            self.annotator.annotate(proxies)
            if self.passages is not None:
                self.passages(whole)

        return annotate

    def _copy(
        self, docs: list[Document], keys: list[str], found: dict[str, Annotations], fresh: dict[str, Document]
    ) -> None:
        for doc, key in zip(docs, keys, strict=True):
            if fresh.get(key) is not doc:
                self.reused += 1
            if key in self._cache:
                self._cache.move_to_end(key)
            doc.annotations = copy.deepcopy(found[key])
            first = fresh.get(key)
            if first is not None and "passages_total" in first.metadata:
                doc.metadata["passages_total"] = first.metadata["passages_total"]
            mark_machine_made(doc)  # a bounce, a PEC receipt, an e-invoice: no complaint, no tone
            length = len(doc.text)
            if length > self.max_chars:
                doc.metadata["nlp_limit"] = self.max_chars
                doc.metadata["nlp_chars"] = length
        if self.corrections is not None and docs:
            stored = self.corrections([doc.id for doc in docs])
            for doc in docs:
                if doc.id in stored:
                    apply_corrections(doc, stored[doc.id])

    def _proxy(self, key: str, doc: Document) -> Document:
        """The document as the annotator sees it: the head of its text, an id of its content."""
        pages: list[Page] = []
        budget = self.max_chars
        for page in doc.pages:
            if budget <= 0:
                break
            pages.append(replace(page, text=page.text[:budget]))
            budget -= len(page.text) + 1  # the page break counts as one character
        # a content id, so the wrapped annotator applies no document's corrections here
        return replace(doc, id=f"nlp:{key}", pages=pages, annotations=Annotations(), metadata={})

    def _whole_text_patterns(self, doc: Document, annotations: Annotations) -> Annotations:
        text = doc.text
        if len(text) <= self.max_chars:
            return annotations
        tail = [e for e in find_pattern_entities(text) if e.start >= self.max_chars]
        annotations.entities = merge_entities(annotations.entities + tail)
        return annotations

    def _remember(self, key: str, annotations: Annotations) -> None:
        self._cache[key] = annotations
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)


def _content_key(doc: Document) -> str:
    digest = hashlib.sha256()
    email = doc.email
    # addresses too: customers are linked by them, so equal text from two senders differs
    people = " ".join([email.sender, *email.to, *email.cc]) if email else ""
    subject = email.subject if email else ""
    for part in (people, subject, doc.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class Staged(Protocol):
    """A batch the lane runs in three steps, in this order, all in the lane's thread."""

    def start(self) -> None:
        """Hand the work that runs elsewhere (NLP in the NLP processes) over; return at once."""

    def wait(self) -> None:
        """Wait for that work."""

    def store(self) -> None:
        """Index and record the batch."""


class _Plain:
    """A batch that is one callable: nothing runs elsewhere."""

    def __init__(self, work: Callable[[], None]) -> None:
        self.store = work

    def start(self) -> None:
        return None

    def wait(self) -> None:
        return None


@dataclass
class _Entry:
    work: Staged
    job_ids: list[int]
    chars: int


class IndexLane:
    """One background thread that runs submitted batches in order; `close()` waits for them.

    A batch's NLP is started before the batch ahead of it is stored: with NLP in child
    processes (`ingest.nlp_processes`) they work on the next batch while this thread indexes
    and records the last one, instead of idling (about a fifth of a mail import's time).
    """

    def __init__(self, max_chars: int = 64_000_000) -> None:
        self._pending: list[_Entry] = []
        self._started: list[_Entry] = []  # taken by the thread: the one being finished, the one ahead
        self._lock = threading.Condition()
        self._max_chars = max_chars
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="faldone-index", daemon=True)
        self._thread.start()

    def submit(self, work: Callable[[], None] | Staged, job_ids: list[int], chars: int = 0) -> None:
        """Queue `work` (a callable, or a `Staged` batch; its documents hold `chars` characters);
        blocks while the waiting batches already hold more than the limit (backpressure)."""
        entry = _Entry(_Plain(work) if callable(work) else work, job_ids, chars)
        with self._lock:
            while self._waiting() and self._waiting_chars() + chars > self._max_chars and not self._closed:
                self._lock.wait(0.5)
            self._pending.append(entry)
            self._lock.notify_all()

    def _waiting(self) -> list[_Entry]:
        """Batches not being finished yet: queued, or started behind the one being finished."""
        return self._started[1:] + self._pending

    def _waiting_chars(self) -> int:
        return sum(entry.chars for entry in self._waiting())

    def job_ids(self) -> list[int]:
        """Jobs queued or being indexed, which the caller must keep leased (heartbeats)."""
        with self._lock:
            return [i for entry in self._started + self._pending for i in entry.job_ids]

    def close(self) -> None:
        """Run what is queued, then stop the thread."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._thread.join()

    def _take(self, *, block: bool) -> _Entry | None:
        """The next queued batch, started (None: none queued, or closed and drained with `block`)."""
        with self._lock:
            while block and not self._pending and not self._closed:
                self._lock.wait(0.5)
            if not self._pending:
                return None
            entry = self._pending.pop(0)
            self._started.append(entry)
            self._lock.notify_all()
        _guarded(entry.work.start)
        return entry

    def _run(self) -> None:
        current: _Entry | None = None
        while True:
            if current is None:
                current = self._take(block=True)
                if current is None:
                    return
            # The next batch goes to the NLP processes now, queued behind this one's, and at the
            # latest before this one is stored.
            ahead = self._take(block=False)
            _guarded(current.work.wait)
            if ahead is None:
                ahead = self._take(block=False)
            _guarded(current.work.store)
            with self._lock:
                self._started.remove(current)
                self._lock.notify_all()
            current = ahead


def _nothing() -> None:
    return None


def _guarded(step: Callable[[], None]) -> None:
    try:
        step()
    except Exception:  # the work records its own failures; this is the last guard
        log.exception("indexing a batch failed")
