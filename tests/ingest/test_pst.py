"""Outlook ``.pst`` mailboxes, on real files: messages become children with their headers.

``../shared/corpus/ingest-file/testPST.pst`` (6 messages); ``tests/data/formats/testPST.pst``
(Apache Tika's larger copy, with a message forwarding an Outlook message that carries a
``.docx``); ``passworded.pst`` from java-libpst (see SOURCES.md there).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from core.archive import Archive
from core.catalog import JobSpec
from core.settings import Settings
from index.backend import SearchRequest
from index.backends.embedded import EmbeddedBackend
from ingest.detect import detect_mime
from ingest.errors import CorruptDocument, EncryptedDocument, LimitExceeded, UnsupportedFormat
from ingest.extractors._outlook import message_bytes, set_body
from ingest.pipeline import JobOutcome, extract_job
from tests.ingest._extract_support import run

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"
PST = "application/vnd.ms-outlook-pst"
FOLDER = "Début du fichier de données Outlook"


def _job(path: Path, settings: Settings) -> JobOutcome:
    sha = Archive(settings.archive_dir).store_bytes(path.read_bytes())
    return extract_job(JobSpec(1, sha, path.name, "test", "", 0), settings)


def test_every_message_becomes_a_child_with_its_folder(corpus: Path, settings: Settings) -> None:
    path = corpus / "ingest-file/testPST.pst"
    assert detect_mime(path.read_bytes(), path.name) == PST
    result = run(path, settings)
    assert result.metadata["message_count"] == 6
    assert result.metadata["folders"] == [FOLDER, f"{FOLDER}/Éléments supprimés"]
    subjects = [child.metadata["subject"] for child in result.children]
    assert "Re: Feature Generators" in subjects
    assert '[WEBINAR] - "Introducing Couchbase Server 2.5"' in subjects
    assert {child.metadata["folder"] for child in result.children} == {FOLDER}
    assert all(child.mime_hint == "message/rfc822" for child in result.children)
    # the mailbox's own page lists date, sender and subject of each message
    assert "Barry Olddog <oldcanine@yahoo.com> | Re: init tokenizer fails" in result.pages[0].text


def test_messages_keep_sender_recipients_date_and_body(
    corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    outcome = _job(corpus / "ingest-file/testPST.pst", settings)
    assert outcome.error is None, outcome.error
    root, *messages = outcome.documents
    assert root.mime_type == PST and len(messages) == 6
    by_subject = {doc.title: doc for doc in messages}
    reply = by_subject["Re: Feature Generators"]
    assert reply.mime_type == "message/rfc822" and reply.parent_id == root.id
    assert reply.email is not None
    assert reply.email.sender == "kottmann@gmail.com"
    assert reply.email.to == ["users@opennlp.apache.org"]
    assert reply.email.message_id == "<530D9CAC.5080901@gmail.com>"
    assert reply.date == datetime(2014, 2, 26, 7, 50, 4, tzinfo=UTC)
    assert reply.metadata["folder"] == FOLDER
    assert "clearAdaptivData" in reply.text
    two = by_subject['Re: init tokenizer fails: "Bad type in putfield/putstatic"']
    assert two.email is not None and two.email.to == ["kottmann@gmail.com", "users@opennlp.apache.org"]
    html_only = by_subject['[WEBINAR] - "Introducing Couchbase Server 2.5"']
    assert "Better Reliability and Security for Enterprises" in html_only.text
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    backend.index(outcome.documents)
    backend.commit()
    hits = backend.search(SearchRequest(query="clearAdaptivData")).hits
    assert [hit.id for hit in hits] == [reply.id]
    backend.close()


def test_attachments_of_embedded_messages_become_grandchildren(settings: Settings) -> None:
    outcome = _job(DATA / "testPST.pst", settings)
    assert outcome.error is None, outcome.error
    forward = next(doc for doc in outcome.documents if doc.title == "FW: First email")
    assert forward.depth == 1 and forward.email is not None
    # an Exchange sender with no SMTP address: its name is kept, never its first word as a mailbox
    assert forward.email.sender == ""
    assert forward.metadata["sender_name"] == "Luis Filipe da Cruz Nassif"
    assert forward.email.to == ["lfcnassif@gmail.com"]
    embedded = next(doc for doc in outcome.documents if doc.parent_id == forward.id)
    assert embedded.mime_type == "message/rfc822" and embedded.title == "First email"
    (docx,) = [doc for doc in outcome.documents if doc.parent_id == embedded.id]
    assert docx.mime_type.endswith("wordprocessingml.document") and docx.depth == 3
    assert "This is a docx attachment." in docx.text
    assert len([doc for doc in outcome.documents if doc.depth == 1]) == 7


def test_a_password_protected_mailbox_is_quarantined_as_such(settings: Settings) -> None:
    with pytest.raises(EncryptedDocument, match="protected by a password"):
        run(DATA / "passworded.pst", settings)


def test_damaged_mailboxes_say_what_is_wrong(corpus: Path, settings: Settings, tmp_path: Path) -> None:
    data = (corpus / "ingest-file/testPST.pst").read_bytes()
    cut = tmp_path / "cut.pst"
    cut.write_bytes(data[: len(data) // 3])  # the B-tree pages point past the end
    with pytest.raises(CorruptDocument, match="damaged Outlook data file"):
        run(cut, settings)
    scrambled = bytearray(data)
    root = int.from_bytes(data[224:232], "little")  # the node B-tree's root page
    scrambled[root : root + 512] = bytes(512)
    broken = tmp_path / "broken.pst"
    broken.write_bytes(bytes(scrambled))
    with pytest.raises(CorruptDocument, match="B-tree page"):
        run(broken, settings)


def test_a_mailbox_over_the_message_limit_is_refused_before_reading(corpus: Path, settings: Settings) -> None:
    settings.max_children = 5
    with pytest.raises(LimitExceeded, match="holds 6 messages; the limit is 5"):
        run(corpus / "ingest-file/testPST.pst", settings)


@pytest.mark.parametrize(
    ("offset", "value", "reason"),
    [
        (10, b"\x24\x00", "Outlook 2013\\+ offline store with 4 KB pages"),  # wVer 36
        (513, b"\x02", "'high' \\(cyclic\\) encryption"),  # bCryptMethod NDB_CRYPT_CYCLIC
    ],
)
def test_variants_not_read_say_which(
    corpus: Path, settings: Settings, tmp_path: Path, offset: int, value: bytes, reason: str
) -> None:
    data = bytearray((corpus / "ingest-file/testPST.pst").read_bytes())
    data[offset : offset + len(value)] = value  # the header field that names the variant
    path = tmp_path / "variant.pst"
    path.write_bytes(bytes(data))
    with pytest.raises(UnsupportedFormat, match=f"this Outlook data file is not read: .*{reason}"):
        run(path, settings)


def test_nested_folders_and_an_rtf_body(settings: Settings) -> None:
    import mmap

    from ingest.extractors._pst_ltp import read_properties
    from ingest.extractors._pst_ndb import NodeDatabase
    from ingest.extractors.pst import _Mailbox, _rtf_text

    path = DATA / "testPST_variousBodyTypes.pst"
    result = run(path, settings)
    assert "Top of Outlook data file/Inbox/tmp" in result.metadata["folders"]
    assert {child.metadata["folder"] for child in result.children} == {"Top of Outlook data file/Inbox/tmp"}
    assert [child.metadata["subject"] for child in result.children].count("FW: original email") == 3
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        db = NodeDatabase(view)
        mailbox = _Mailbox(db, [])
        mailbox.check_password()
        bodies = []
        for _folder, node in mailbox.placed():
            props = read_properties(db, node, db.subnodes(node.sub_bid))
            if props.binary(0x1009):  # PidTagRtfCompressed: the body a message without text would show
                bodies.append((props.text(0x1000), _rtf_text(props.binary(0x1009))))
    ((plain, from_rtf),) = bodies
    assert "This is the original email" in plain and "This is the original email" in from_rtf


def test_a_mailbox_read_twice_gives_the_same_message_bytes(corpus: Path, settings: Settings) -> None:
    # Random MIME boundaries would give every multipart message a new SHA-256 on each import.
    first, second = (run(corpus / "ingest-file/testPST.pst", settings).children for _ in range(2))
    assert any(b"multipart/" in child.data for child in first)
    assert [child.data for child in first] == [child.data for child in second]


def test_rebuilt_messages_get_boundaries_from_their_content() -> None:
    def rebuilt(body: str) -> bytes:
        message = EmailMessage()
        message["Subject"] = "Fattura"
        set_body(message, body, f"<p>{body}</p>")
        message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="f.pdf")
        return message_bytes(message)

    assert rebuilt("in allegato") == rebuilt("in allegato")
    assert rebuilt("in allegato").count(b"boundary=") == 2  # the mixed part and its alternative
    assert rebuilt("in allegato").split(b"boundary=")[1] != rebuilt("allegata").split(b"boundary=")[1]
