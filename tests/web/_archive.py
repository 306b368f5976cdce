"""The small archive the browser tests search: real corpus files plus a two-message thread.

The thread is test data written here (the corpus has no reply chain with a shared
Message-ID): a complaint with a text attachment and the reply to it.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

__all__ = ["CORPUS_FILES", "IBAN", "THREAD_SUBJECT", "write_thread"]

CORPUS_FILES = (
    "mail-mikel/attachment_emails/attachment_content_disposition.eml",
    "mail-mikel/attachment_emails/attachment_message_rfc822.eml",
    "mail-mikel/attachment_emails/attachment_pdf.eml",
    "mail-mikel/plain_emails/raw_email_reply.eml",
    "ingest-file/udhr_ger.pdf",
    "ingest-file/twopage.pdf",
)

THREAD_SUBJECT = "Reclamo fattura 2024/118"
IBAN = "IT60X0542811101000000123456"


def write_thread(folder: Path) -> list[Path]:
    """Write the complaint (with `dettaglio_addebiti.txt` attached) and its reply as .eml files."""
    folder.mkdir(parents=True, exist_ok=True)
    first = EmailMessage()
    first["From"] = "Mario Rossi <mario.rossi@example.it>"
    first["To"] = "assistenza@faldone.test"
    first["Subject"] = THREAD_SUBJECT
    first["Date"] = "Mon, 04 Mar 2024 09:15:00 +0100"
    first["Message-ID"] = "<reclamo-118@example.it>"
    first.set_content(
        "Buongiorno,\n\nscrivo per un reclamo formale sulla fattura 2024/118: l'importo addebitato "
        "non corrisponde al contratto e il servizio è stato interrotto per due settimane.\n"
        f"Chiedo il rimborso sul conto IBAN {IBAN} entro trenta giorni.\n\nMario Rossi\n"
    )
    first.add_attachment(
        "Dettaglio addebiti contestati\nCanone marzo: 120,00 EUR\nPenale non dovuta: 45,00 EUR\n",
        filename="dettaglio_addebiti.txt",
    )
    reply = EmailMessage()
    reply["From"] = "Assistenza <assistenza@faldone.test>"
    reply["To"] = "Mario Rossi <mario.rossi@example.it>"
    reply["Subject"] = f"Re: {THREAD_SUBJECT}"
    reply["Date"] = "Tue, 05 Mar 2024 11:40:00 +0100"
    reply["Message-ID"] = "<risposta-118@faldone.test>"
    reply["In-Reply-To"] = "<reclamo-118@example.it>"
    reply["References"] = "<reclamo-118@example.it>"
    reply.set_content(
        "Gentile Sig. Rossi,\n\nabbiamo ricevuto il suo reclamo sulla fattura 2024/118 e "
        "verificato l'addebito. La nota di credito seguirà entro una settimana.\n\nAssistenza clienti\n"
    )
    paths = [folder / "reclamo_118.eml", folder / "risposta_118.eml"]
    for path, message in zip(paths, (first, reply), strict=True):
        path.write_bytes(message.as_bytes())
    return paths
