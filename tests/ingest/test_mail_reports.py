"""Bounces and feedback reports on real messages: their values are text, fields and searchable.

Files under ``tests/data/mail`` (sisimai/set-of-emails, BSD-2-Clause; mailgun/flanker,
Apache-2.0; see SOURCES.md) and real bounces of the shared corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.archive import Archive
from core.catalog import JobSpec
from core.settings import Settings
from index.backend import SearchRequest
from index.backends.embedded import EmbeddedBackend
from index.fields import document_fields
from ingest.pipeline import extract_job
from tests.ingest._extract_support import run

DATA = Path(__file__).resolve().parents[1] / "data" / "mail"


def test_delivery_status_values_are_fields_and_text(settings: Settings) -> None:
    result = run(DATA / "mailbox-full.eml", settings)
    bounce = result.metadata["bounce"]
    assert bounce["recipient"] == ["user@aol.com"]
    assert bounce["status"] == ["5.2.2"]
    assert bounce["action"] == ["failed"]
    assert bounce["diagnostic"] == ["552 5.2.2 E4.12 user MAILBOX FULL"]
    text = result.pages[0].text
    assert "Final-Recipient: rfc822; user@aol.com" in text
    assert "Diagnostic-Code: smtp; 552 5.2.2 E4.12 user MAILBOX FULL" in text


def test_every_recipient_of_a_multi_address_bounce(corpus: Path, settings: Settings) -> None:
    result = run(corpus / "mail-mikel/multipart_report_emails/multi_address_bounce1.eml", settings)
    recipients = result.metadata["bounce"]["recipient"]
    assert len(recipients) == 5 and "bbbbvhvbbvkjbhfbvbvjhb@gmail.com" in recipients
    assert result.metadata["bounce"]["status"] == ["5.1.1"]


def test_delayed_delivery_keeps_its_action(corpus: Path, settings: Settings) -> None:
    bounce = run(corpus / "mail-mikel/multipart_report_emails/report_422.eml", settings).metadata["bounce"]
    assert bounce["action"] == ["delayed"] and bounce["status"] == ["4.2.2"]
    assert bounce["remote_mta"] == ["mail.oooooooo.com.au"]


def test_feedback_report_type_is_the_diagnostic(settings: Settings) -> None:
    result = run(DATA / "arf-01.eml", settings)
    assert result.metadata["bounce"]["diagnostic"] == ["abuse"]
    assert "Feedback-Type: abuse" in result.pages[0].text
    assert "Source-IP: 192.0.2.89" in result.pages[0].text


@pytest.mark.parametrize(
    ("name", "sender"), [("lhost-barracuda-02.eml", "MAILER-DAEMON"), ("lhost-mfilter-03.eml", "<>")]
)
def test_sender_without_a_domain_is_kept_as_written(settings: Settings, name: str, sender: str) -> None:
    result = run(DATA / name, settings)
    assert result.email is not None and result.email.sender == sender


def test_bounces_are_searchable_by_field(settings: Settings, tmp_path: Path) -> None:
    archive = Archive(settings.archive_dir)
    documents = []
    for number, name in enumerate(["mailbox-full.eml", "lhost-barracuda-02.eml", "arf-01.eml"], start=1):
        sha = archive.store_bytes((DATA / name).read_bytes())
        outcome = extract_job(JobSpec(number, sha, name, "test", "", 0), settings)
        assert outcome.error is None
        documents += outcome.documents
    fields = document_fields(documents[0])
    assert fields["bounce_status"] == ["5.2.2"] and fields["bounce_recipient"] == ["user@aol.com"]
    backend = EmbeddedBackend(tmp_path / "index", writer=True)
    backend.index(documents)
    backend.commit()

    def titles(query: str) -> set[str]:
        return {hit.fields["filename"] for hit in backend.search(SearchRequest(query=query, limit=50)).hits}

    assert titles("bounce_recipient:user@aol.com") == {"mailbox-full.eml"}
    assert titles("bounce_status:5.7.1") == {"lhost-barracuda-02.eml"}
    assert titles('diagnostic:"mailbox full"') == {"mailbox-full.eml"}
    assert titles("diagnostic:abuse") == {"arf-01.eml"}
    assert titles("bounce_status:*") == {"mailbox-full.eml", "lhost-barracuda-02.eml"}
    assert titles("from:mailer-daemon") == {"lhost-barracuda-02.eml"}
    backend.close()
