"""IMAP source against a real Dovecot on loopback: every message is queued exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalog import Catalog
from core.settings import Settings
from index.backends import open_backend
from ingest.imap import ImapConfig, ImapError, ImapSource, poll_imap
from ingest.worker import Worker
from tests.conftest import IN_CI
from tests.services.dovecot import DovecotServer, dovecot_binary
from tests.support import make_settings

pytestmark = pytest.mark.integration

MESSAGES = [
    "mail-mikel/plain_emails/basic_email.eml",
    "mail-mikel/attachment_emails/attachment_pdf.eml",
    "mail-mikel/multi_charset/japanese.eml",
]


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[DovecotServer]:
    if dovecot_binary() is None:
        message = "dovecot is not installed (scripts/setup.sh --test installs dovecot-imapd)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with DovecotServer(tmp_path / "dovecot", user="ufficio", password="s3greta") as server:
        yield server


def config_for(server: DovecotServer, **overrides: object) -> ImapConfig:
    values: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "password": server.password,
        "folders": ("INBOX", "Reclami"),
        "security": "none",
        "poll_seconds": 0.0,
    }
    values.update(overrides)
    return ImapConfig(**values)  # type: ignore[arg-type]


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Settings, Catalog]]:
    settings = make_settings(tmp_path / "data")
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    yield settings, catalog
    catalog.close()


def corpus_message(corpus: Path, name: str) -> bytes:
    return (corpus / name).read_bytes()


def existing_messages(corpus: Path) -> list[bytes]:
    found = [corpus_message(corpus, name) for name in MESSAGES]
    assert len(set(found)) == len(found)
    return found


def test_each_message_is_queued_once(
    dovecot: DovecotServer, setup: tuple[Settings, Catalog], corpus: Path
) -> None:
    settings, catalog = setup
    first, second, third = existing_messages(corpus)
    dovecot.deliver(first)
    dovecot.deliver(second)
    dovecot.deliver(third, folder="Reclami")
    config = config_for(dovecot)

    report = poll_imap(config, settings, catalog)
    assert report.queued == 3 and report.folders == {"INBOX": 2, "Reclami": 1}
    assert not report.errors
    jobs = sorted(catalog.jobs(limit=10), key=lambda j: j.id)
    assert [j.source for j in jobs] == ["imap:INBOX", "imap:INBOX", "imap:Reclami"]
    assert all(j.source_path.startswith(f"imap://{config.account}/") for j in jobs)

    again = poll_imap(config, settings, catalog)
    assert (again.fetched, again.queued) == (0, 0)

    new = (corpus / "mail-mikel/plain_emails/raw_email_reply.eml").read_bytes()
    dovecot.deliver(new)
    third_poll = poll_imap(config, settings, catalog)
    assert (third_poll.fetched, third_poll.queued) == (1, 1)
    assert len(catalog.jobs(limit=10)) == 4
    assert poll_imap(config, settings, catalog).queued == 0


def test_new_uidvalidity_reads_again_without_ingesting_twice(
    dovecot: DovecotServer, setup: tuple[Settings, Catalog], corpus: Path
) -> None:
    settings, catalog = setup
    for message in existing_messages(corpus):
        dovecot.deliver(message)
    config = config_for(dovecot, folders=("INBOX",))
    assert poll_imap(config, settings, catalog).queued == 3
    cursor = catalog.imap_cursor(config.account, "INBOX")
    assert cursor is not None and cursor.last_uid == 3
    # the server renumbered the folder: the catalog's cursor no longer applies
    catalog.set_imap_cursor(config.account, "INBOX", cursor.uidvalidity + 1, cursor.last_uid)
    report = poll_imap(config, settings, catalog)
    assert (report.fetched, report.queued, report.duplicates) == (3, 0, 3)
    assert len(catalog.jobs(limit=10)) == 3


def test_a_missing_folder_does_not_hide_the_others(
    dovecot: DovecotServer, setup: tuple[Settings, Catalog], corpus: Path
) -> None:
    settings, catalog = setup
    dovecot.deliver(corpus_message(corpus, MESSAGES[0]))
    report = poll_imap(config_for(dovecot, folders=("Archivio", "INBOX")), settings, catalog)
    assert report.folders == {"INBOX": 1}
    assert "Archivio" in report.errors and "doesn't exist" in report.errors["Archivio"]


def test_wrong_password_is_a_readable_error(dovecot: DovecotServer, setup: tuple[Settings, Catalog]) -> None:
    settings, catalog = setup
    with pytest.raises(ImapError, match=r"cannot log into ufficio@127\.0\.0\.1"):
        poll_imap(config_for(dovecot, password="sbagliata"), settings, catalog)


def test_worker_polls_the_mailbox_and_indexes_the_messages(
    dovecot: DovecotServer, setup: tuple[Settings, Catalog], corpus: Path
) -> None:
    settings, catalog = setup
    dovecot.deliver(corpus_message(corpus, "mail-mikel/attachment_emails/attachment_pdf.eml"))
    backend = open_backend(settings, writer=True)
    try:
        source = ImapSource(config_for(dovecot), settings, catalog)
        worker = Worker(settings, catalog, backend, pollers=[source])
        worker._poll_sources()
        worker.run(until_empty=True)
    finally:
        backend.close()
    [job] = catalog.jobs(limit=10)
    assert job.state == "done" and job.source == "imap:INBOX"
    # the message is indexed; its attachment (a truncated "broken.pdf") is indexed or quarantined
    attachments = job.documents - 1 + len(catalog.quarantine_for(job.document_id or ""))
    assert attachments == 1
    document = catalog.document(job.document_id or "")
    assert document is not None and document.email is not None
    assert document.source == "imap:INBOX"


def test_config_from_settings_is_off_without_a_host(tmp_path: Path) -> None:
    assert ImapConfig.from_settings(make_settings(tmp_path)) is None
