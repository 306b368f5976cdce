"""A small Italian/English corpus, shared by the conformance suite and backend tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from core.document import Annotations, Document, EmailHeaders, Page

__all__ = ["CORPUS", "FEATURE_CORPUS", "make_document"]


def make_document(
    doc_id: str,
    pages: list[str],
    *,
    title: str = "",
    language: str | None = None,
    date: datetime | None = None,
    mime_type: str = "application/pdf",
    size: int = 500,
    sentiment: float = 0.0,
    complaint: bool = False,
    category: str = "other",
    customers: list[str] | None = None,
    email: EmailHeaders | None = None,
) -> Document:
    """A document with just what search needs."""
    return Document(
        id=doc_id,
        sha256=doc_id.ljust(64, "0"),
        filename=f"{doc_id}.{'eml' if email else 'pdf'}",
        mime_type=mime_type,
        size=size,
        source="test",
        root_id=doc_id,
        title=title,
        pages=[Page(number=i + 1, text=text) for i, text in enumerate(pages)],
        date=date,
        email=email,
        annotations=Annotations(
            language=language,
            sentiment=sentiment,
            complaint=complaint,
            category=category,
            customers=customers or [],
        ),
    )


CORPUS: list[Document] = [
    make_document(
        "it-fattura",
        [
            "Gentile cliente, in allegato la fattura numero 118 per il servizio di marzo. "
            "Perché non avete pagato?"
        ],
        title="Fattura 2024/118",
        language="it",
        date=datetime(2024, 1, 15, 9, 30, tzinfo=UTC),
        mime_type="message/rfc822",
        size=2048,
        sentiment=-0.7,
        complaint=True,
        category="billing",
        customers=["ACME"],
        email=EmailHeaders(
            sender="Mario.Rossi@Example.it", to=["ufficio@faldone.it"], subject="Reclamo fattura"
        ),
    ),
    make_document(
        "it-fatture",
        ["Le fatture di febbraio sono state inviate. Nessun problema."],
        title="Riepilogo",
        language="it",
        date=datetime(2024, 2, 10, tzinfo=UTC),
        size=900,
        sentiment=0.3,
        category="billing",
        customers=["ACME", "Beta"],
    ),
    make_document(
        "en-invoice",
        ["The invoices were sent late. The customer is complaining about the delivery."],
        language="en",
        date=datetime(2024, 2, 20, 15, 0, tzinfo=UTC),
        mime_type="message/rfc822",
        size=1500,
        sentiment=-0.5,
        complaint=True,
        category="delivery",
        customers=["Beta"],
        email=EmailHeaders(
            sender="john@acme.com", to=["support@faldone.it"], subject="Late delivery complaint"
        ),
    ),
    make_document(
        "en-contract",
        ["This contract between the parties covers maintenance services."],
        title="Maintenance contract",
        language="en",
        date=datetime(2024, 3, 5, tzinfo=UTC),
        size=12000,
        sentiment=0.1,
        category="contract",
    ),
    make_document(
        "three-pages",
        [
            "Introduzione al documento.",
            "Seconda pagina con dettagli tecnici.",
            "Terza pagina: il rimborso è stato richiesto <subito> & pagato.",
        ],
        title="Relazione",
        language="it",
        date=datetime(2024, 3, 31, 23, 0, tzinfo=UTC),
        size=300,
    ),
    make_document(
        "unknown-lang",
        ["Ordine confermato. Order confirmed."],
        date=datetime(2024, 4, 2, tzinfo=UTC),
        size=100,
        sentiment=0.5,
    ),
]


def _paging() -> list[Document]:
    """25 documents on 8 dates (ties), three texts (score ties)."""
    texts = [
        "Archivio pratiche: verbale della riunione.",
        "Archivio pratiche e archivio storico: verbale.",
        "Archivio.",
    ]
    return [
        make_document(
            f"page-{n:02d}",
            [texts[n % 3]],
            language="it",
            date=datetime(2023, 6, 1, tzinfo=UTC) + timedelta(days=n % 8),
        )
        for n in range(25)
    ]


def _thread(doc_id: str, thread: str, text: str, day: int) -> Document:
    doc = make_document(
        doc_id,
        [text],
        language="it",
        date=datetime(2023, 9, day, tzinfo=UTC),
        mime_type="message/rfc822",
        email=EmailHeaders(sender="cliente@example.it", subject="Reclamo spedizione"),
    )
    return replace(doc, thread_id=thread)


_LONG = (
    "Il presente contratto di manutenzione disciplina gli interventi ordinari e straordinari "
    "sugli impianti di climatizzazione installati presso la sede del cliente. Il fornitore si "
    "impegna a eseguire due visite programmate ogni anno, a sostituire i filtri, a verificare "
    "il corretto funzionamento dei compressori e a redigere un rapporto scritto per ogni "
    "intervento. Le chiamate urgenti sono gestite entro ventiquattro ore lavorative dalla "
    "segnalazione. Il canone annuo comprende la manodopera ma non i pezzi di ricambio, che "
    "sono fatturati a parte secondo il listino in vigore. Il contratto si rinnova tacitamente "
    "salvo disdetta inviata con raccomandata almeno tre mesi prima della scadenza naturale."
)

FEATURE_CORPUS: list[Document] = [
    *_paging(),
    _thread("mail-1", "thread-a", "Primo reclamo per la spedizione in ritardo.", 1),
    _thread("mail-2", "thread-a", "Secondo reclamo: la spedizione non è arrivata.", 2),
    _thread("mail-3", "thread-a", "Terzo reclamo, ancora nessuna spedizione.", 3),
    _thread("mail-4", "thread-b", "Un reclamo diverso su un altro ordine.", 4),
    make_document("lone-reclamo", ["Reclamo scritto su carta, nessuna e-mail."], language="it"),
    make_document("contract", [_LONG], title="Contratto di manutenzione", language="it"),
    make_document(
        "contract-scan",
        [_LONG.replace("due visite programmate", "tre visite programmate")],
        title="Contratto di manutenzione (scansione)",
        language="it",
    ),
    replace(make_document("contract-copy", [_LONG], language="it"), sha256="contract".ljust(64, "0")),
    make_document(
        "cooking",
        ["Ricetta della pasta al pomodoro con basilico fresco e olio extravergine di oliva."],
        language="it",
    ),
]
