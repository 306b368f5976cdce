"""A reply is read without the messages it answers; a forward is read whole (`nlp.quoted`)."""

from __future__ import annotations

from pathlib import Path

from core.document import Document, EmailHeaders, Page
from core.settings import Settings
from ingest.extractors.base import Source
from ingest.extractors.emlx import EmlxExtractor
from nlp.annotate import Annotator
from nlp.passages import split_passages
from nlp.quoted import own_text, quoted_spans, unquoted_segments

OUTLOOK_REPLY = (
    "Buongiorno, confermo che la merce partirà lunedì dal magazzino di Verona.\n"
    "Cordiali saluti\n\n"
    "Da: Giulia Ferraris <giulia.ferraris@example.it>\n"
    "Inviato: lunedì 3 maggio 2021 10:12\n"
    "A: ordini@example.it\n"
    "Oggetto: Ordine 4471\n\n"
    "Siamo molto delusi: l'ordine 4471 è in ritardo di tre settimane e nessuno ci risponde.\n"
    "Giulia Ferraris\nUfficio acquisti, Rossi Impianti S.r.l.\n"
)
INLINE_REPLY = (
    "On Sun, Sep 22, 2019 at 11:35 AM Paul Burton wrote:\n"
    "> Here are the main changes for this release; please pull.\n"
    "\n"
    "Pulled, thanks. The cache flush fix is in the tree now.\n"
    "> One more patch follows.\n"
    "Fine by me.\n"
)


def _email(text: str, subject: str) -> Document:
    return Document(
        id="m",
        sha256="m" * 64,
        filename="m.eml",
        mime_type="message/rfc822",
        size=len(text),
        source="test",
        root_id="m",
        pages=[Page(1, text)],
        email=EmailHeaders(subject=subject),
    )


def _kept(text: str, subject: str = "") -> str:
    return " ".join(own_text(text, subject).split())


def test_offsets_are_kept_and_only_the_answered_history_is_blanked() -> None:
    own = own_text(OUTLOOK_REPLY, "R: Ordine 4471")
    assert len(own) == len(OUTLOOK_REPLY) and own.count("\n") == OUTLOOK_REPLY.count("\n")
    assert all(a == b for a, b in zip(own, OUTLOOK_REPLY, strict=True) if a != " ")
    assert _kept(OUTLOOK_REPLY, "[Ordini] Re: Ordine 4471") == (
        "Buongiorno, confermo che la merce partirà lunedì dal magazzino di Verona. Cordiali saluti"
    )


def test_an_inline_reply_keeps_the_answers_between_the_quotes() -> None:
    assert _kept(INLINE_REPLY, "Re: [GIT PULL] changes") == (
        "Pulled, thanks. The cache flush fix is in the tree now. Fine by me."
    )
    segments = unquoted_segments(INLINE_REPLY)
    assert [INLINE_REPLY[a:b].strip() for a, b in segments if INLINE_REPLY[a:b].strip()] == [
        "Pulled, thanks. The cache flush fix is in the tree now.",
        "Fine by me.",
    ]


def test_a_forward_and_a_message_without_words_of_its_own_are_read_whole() -> None:
    assert own_text(OUTLOOK_REPLY, "I: Ordine 4471") == OUTLOOK_REPLY
    assert own_text(OUTLOOK_REPLY, "Fwd: Ordine 4471") == OUTLOOK_REPLY
    assert own_text(OUTLOOK_REPLY, "[Ordini] Ordine 4471") == OUTLOOK_REPLY  # no "Re:": passed on
    forwarded = "Vedi sotto.\n\n---------- Messaggio inoltrato ---------\nDa: Anna\nData: oggi\n\nTesto."
    assert own_text(forwarded, "Ordine") == forwarded
    only_quotes = "> Il pacco non è mai arrivato.\n> Attendo il rimborso.\n"
    assert quoted_spans(only_quotes) == [] and own_text(only_quotes) == only_quotes
    plain = "Il pacco non è arrivato: attendo il rimborso."
    assert own_text(plain) == plain
    prose = "Buongiorno,\nil direttore ha scritto: il rimborso arriverà a marzo 2024.\nSaluti\n"
    assert own_text(prose, "Rimborso") == prose


def test_a_real_reply_from_the_corpus(corpus: Path, settings: Settings) -> None:
    path = corpus / "ingest-file/plaintext.emlx"
    source = Source(path=path, filename=path.name, mime_type="application/x-apple-emlx", settings=settings)
    text = EmlxExtractor().extract(source).pages[0].text
    assert "> Thank you!" in text
    assert _kept(text, "Re: Emlx library") == "You're welcome. :)"


def test_a_reply_is_annotated_and_split_without_the_message_it_answers() -> None:
    reply = _email(OUTLOOK_REPLY, "R: Ordine 4471")
    letter = _email(OUTLOOK_REPLY, "I: Ordine 4471")  # the same text forwarded: read whole
    Annotator().annotate([reply, letter])

    def people(doc: Document) -> set[str]:
        return {e.value for e in doc.annotations.entities if e.label == "PERSON"}

    assert "Giulia Ferraris" in people(letter) and "Giulia Ferraris" not in people(reply)
    # the customer's anger is the forwarded letter's tone, not the reply's
    assert letter.annotations.sentiment < -0.2 < reply.annotations.sentiment
    # identifiers and addresses are still found in the whole text
    assert "giulia.ferraris@example.it" in {e.value for e in reply.annotations.entities}
    history = OUTLOOK_REPLY.index("Da:")
    spans, _ = split_passages(reply)
    assert spans and all(span.end <= history for span in spans)
    assert any(span.end > history for span in split_passages(letter)[0])
