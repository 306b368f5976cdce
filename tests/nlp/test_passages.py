"""Passages: page-aware splitting, the per-document cap, batched embedding across languages."""

from __future__ import annotations

import numpy as np

from core.document import Document, Page
from core.vectors import decode_vector, encode_vector
from nlp.embedding import embed
from nlp.passages import MAX_PASSAGE_CHARS, MAX_PASSAGES, embed_passages, split_passages


def _doc(doc_id: str, *pages: str) -> Document:
    return Document(
        id=doc_id,
        sha256=doc_id * 4,
        filename=f"{doc_id}.txt",
        mime_type="text/plain",
        size=1,
        source="tests",
        root_id=doc_id,
        pages=[Page(i + 1, text) for i, text in enumerate(pages)],
    )


def test_passages_are_a_few_sentences_of_one_page_with_offsets_into_the_text() -> None:
    doc = _doc(
        "a",
        "Buongiorno. Il rimborso non è arrivato. Ho reso il pacco il 3 marzo! Attendo risposta.",
        "Second page, first sentence here. And a second one on the same page.",
    )
    spans, total = split_passages(doc)
    assert total == len(spans) == 3
    assert [s.page for s in spans] == [1, 1, 2]
    assert doc.text[spans[0].start : spans[0].end] == (
        "Buongiorno. Il rimborso non è arrivato. Ho reso il pacco il 3 marzo!"
    )
    assert doc.text[spans[1].start : spans[1].end] == "Attendo risposta."
    assert doc.text[spans[2].start : spans[2].end].startswith("Second page")
    assert all(doc.page_of_offset(s.start) == s.page for s in spans)


def test_code_and_configuration_are_not_passages() -> None:
    message = (
        "The IOC3 chip has an integrated ethernet, keyboard and mouse interface. This patch moves "
        "the parts that are not about the network into a new driver, which detects the card."
    )
    hunk = "\n".join(f"+\tregs->ctrl[{i}] = readl(base + {i * 4});" for i in range(40))
    config = "\n".join(f"CONFIG_NET_VENDOR_{i}=y\n# CONFIG_DRIVER_{i} is not set" for i in range(60))
    patch = _doc("p", f"{message}\n\n---\ndiff --git a/ioc3.c b/ioc3.c\n@@ -1,3 +1,40 @@\n{hunk}\n", config)
    spans, total = split_passages(patch)
    assert [patch.text[s.start : s.end] for s in spans] == [message] and total == 1


def test_a_page_without_sentence_ends_is_cut_and_a_long_document_is_capped() -> None:
    table = " ".join(f"voce{i} 12,50 EUR" for i in range(400))
    spans, _ = split_passages(_doc("t", table))
    assert len(spans) > 1 and all(s.end - s.start <= MAX_PASSAGE_CHARS for s in spans)
    long = _doc(
        "l", *[f"Pagina {n}. Questa pagina parla di un argomento diverso dagli altri." for n in range(60)]
    )
    spans, total = split_passages(long)
    assert total == 60 and len(spans) == MAX_PASSAGES
    assert spans[0].page == 1 and spans[-1].page > 50  # the head, then spread to the end
    embed_passages([long])
    assert len(long.annotations.passages) == MAX_PASSAGES and long.metadata["passages_total"] == 60


def test_passages_of_a_batch_are_embedded_and_translations_land_close() -> None:
    italian = _doc("it", "Il rimborso per il pacco che ho restituito non è ancora arrivato.")
    english = _doc("en", "The refund for the parcel I sent back has still not arrived.")
    other = _doc("ot", "The board approved next year's budget; lunch will be served at noon.")
    assert embed_passages([italian, english, other]) == 3
    vectors = {d.id: decode_vector(d.annotations.passages[0].vector) for d in (italian, english, other)}
    assert float(vectors["it"] @ vectors["en"]) > float(vectors["it"] @ vectors["ot"]) + 0.2
    assert italian.annotations.passages[0].page == 1


def test_quantised_vectors_keep_the_cosine() -> None:
    a, b = embed(["rimborso in ritardo", "late refund"])
    exact = float(a @ b)
    assert abs(float(decode_vector(encode_vector(a)) @ decode_vector(encode_vector(b))) - exact) < 0.01
    assert np.isclose(np.linalg.norm(decode_vector(encode_vector(a))), 1.0)
