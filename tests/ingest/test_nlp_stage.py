"""The worker's NLP stage: one annotation per distinct content, a recorded limit, the lane."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from core.document import Document
from ingest.nlp_stage import BoundedAnnotator, IndexLane
from nlp.annotate import Annotator
from tests.conformance.corpus import make_document


class _Counting:
    """The real annotator, counting the documents it is handed."""

    def __init__(self) -> None:
        self.inner = Annotator(english_ner=False)
        self.seen: list[int] = []

    def annotate(self, docs: list[Document]) -> None:
        self.seen.append(len(docs))
        self.inner.annotate(docs)


def _letter(corpus: Path) -> str:
    return (corpus / "ingest-file/udhr_ger.txt").read_text(encoding="utf-8")


def test_identical_texts_are_annotated_once(corpus: Path) -> None:
    text = _letter(corpus)
    counting = _Counting()
    stage = BoundedAnnotator(counting)
    docs = [make_document(f"copy-{n}", [text]) for n in range(12)] + [
        make_document("other", [text + " Ende."])
    ]
    stage.annotate(docs[:6])
    stage.annotate(docs[6:])
    assert counting.seen == [1, 1]  # one copy, then only the near-identical one
    assert stage.reused == 11
    first, last = docs[0].annotations, docs[11].annotations
    assert first.language == last.language == "de"
    assert first.entities == last.entities and first.entities is not last.entities


def test_a_batch_of_more_contents_than_the_cache_holds(corpus: Path) -> None:
    """Each document gets its own content's annotations even when the batch pushes its first
    results out of the cache (a batch of 300 attachments; it raised KeyError)."""
    lines = [line for line in _letter(corpus).splitlines() if len(line.split()) > 3]
    counting = _Counting()
    stage = BoundedAnnotator(counting, cache_size=4)
    docs = [make_document(f"line-{n}", [line]) for n, line in enumerate(lines[:10])]
    stage.annotate(docs + docs[:2])
    assert counting.seen == [10]
    for doc, line in zip(docs, lines, strict=False):
        assert doc.annotations.language == "de", line
    alone = make_document("alone", [lines[0]])
    BoundedAnnotator(Annotator(english_ner=False)).annotate([alone])
    assert docs[0].annotations == alone.annotations


def test_long_text_is_cut_for_nlp_and_says_so(corpus: Path) -> None:
    text = _letter(corpus)
    repeated = (text + "\n") * (1 + 150_000 // len(text))
    tail_iban = "IBAN IT60X0542811101000000123456"
    doc = make_document("long", [repeated + tail_iban])
    BoundedAnnotator(Annotator(english_ner=False), max_chars=100_000).annotate([doc])
    assert doc.metadata["nlp_limit"] == 100_000 and doc.metadata["nlp_chars"] == len(doc.text)
    ibans = [e for e in doc.annotations.entities if e.label == "IBAN"]
    assert [e.value for e in ibans] == ["IT60X0542811101000000123456"]  # found past the limit
    assert doc.text[ibans[0].start : ibans[0].end].replace(" ", "") == "IT60X0542811101000000123456"


def test_corrections_apply_to_their_own_document_only(corpus: Path) -> None:
    class Correction:
        kind = "category"
        value = "contract_legal"

    text = _letter(corpus)
    stage = BoundedAnnotator(Annotator(english_ner=False), corrections=lambda ids: {"b": [Correction()]})
    a, b = make_document("a", [text]), make_document("b", [text])
    stage.annotate([a, b])
    assert b.annotations.category == "contract_legal"
    assert a.annotations.category != "contract_legal"


def test_lane_runs_in_order_beside_the_caller_and_waits_on_close() -> None:
    done: list[int] = []
    release = threading.Event()

    def slow() -> None:
        release.wait(5)
        done.append(1)

    lane = IndexLane(max_chars=1_000)
    lane.submit(slow, [1], 600)
    lane.submit(lambda: done.append(2), [2], 700)
    time.sleep(0.1)
    assert done == [] and sorted(lane.job_ids()) == [1, 2]  # the caller was not held up
    blocked = threading.Thread(target=lane.submit, args=(lambda: done.append(3), [3], 500))
    blocked.start()
    time.sleep(0.3)
    assert blocked.is_alive()  # 700 + 500 characters waiting would pass the limit
    release.set()
    blocked.join(5)
    lane.close()
    assert done == [1, 2, 3] and lane.job_ids() == []


class _Recorded:
    """A batch that records its steps (`ingest.nlp_stage.Staged`); `nlp` and `stored` hold them."""

    def __init__(
        self,
        name: str,
        events: list[str],
        nlp: threading.Event | None = None,
        stored: threading.Event | None = None,
    ) -> None:
        self.name, self.events, self.nlp, self.stored = name, events, nlp, stored

    def start(self) -> None:
        self.events.append(f"start {self.name}")

    def wait(self) -> None:
        if self.nlp is not None:
            self.nlp.wait(5)
        self.events.append(f"wait {self.name}")

    def store(self) -> None:
        if self.stored is not None:
            self.stored.wait(5)
        self.events.append(f"store {self.name}")


def test_lane_starts_the_next_batch_before_it_stores_the_last_one() -> None:
    events: list[str] = []
    nlp_done = threading.Event()
    lane = IndexLane()
    lane.submit(_Recorded("a", events, nlp=nlp_done), [1], 10)
    time.sleep(0.2)  # a's NLP runs while b and c arrive
    lane.submit(_Recorded("b", events), [2], 10)
    lane.submit(_Recorded("c", events), [3], 10)
    assert events == ["start a"] and sorted(lane.job_ids()) == [1, 2, 3]
    nlp_done.set()
    lane.close()
    assert events == [
        "start a", "wait a", "start b", "store a",  # b's NLP is under way while a is stored
        "start c", "wait b", "store b",
        "wait c", "store c",
    ]  # fmt: skip
    assert lane.job_ids() == []


def test_a_batch_started_ahead_counts_as_waiting_text() -> None:
    events: list[str] = []
    nlp_done, store_done = threading.Event(), threading.Event()
    lane = IndexLane(max_chars=1_000)
    lane.submit(_Recorded("a", events, nlp=nlp_done, stored=store_done), [1], 600)
    time.sleep(0.2)
    lane.submit(_Recorded("b", events), [2], 700)
    nlp_done.set()
    time.sleep(0.2)
    assert events == ["start a", "wait a", "start b"]  # a is being stored, b's NLP under way
    blocked = threading.Thread(target=lane.submit, args=(_Recorded("c", events), [3], 500))
    blocked.start()
    time.sleep(0.3)
    assert blocked.is_alive()  # 700 + 500 characters waiting would pass the limit
    store_done.set()
    blocked.join(5)
    lane.close()
    assert events[-1] == "store c" and lane.job_ids() == []
