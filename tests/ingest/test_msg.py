"""Outlook .msg files (OLE) rebuilt as RFC 822 and parsed like e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.errors import CorruptDocument
from ingest.extractors.base import Extraction, Source
from ingest.extractors.msg import MsgExtractor


def _msg(path: Path, settings: Settings) -> Extraction:
    source = Source(path=path, filename=path.name, mime_type="application/vnd.ms-outlook", settings=settings)
    return MsgExtractor().extract(source)


def test_piste_msg(corpus: Path, settings: Settings) -> None:
    result = _msg(corpus / "ingest-file/piste.msg", settings)
    assert result.email is not None
    assert result.title == result.email.subject == "Ab auf die Piste!"
    assert result.email.sender == "mailings@gmxnet.de"
    assert result.metadata["sender_name"] == "GMX Magazin"
    assert result.email.to == ["members@gmx.net"]
    assert result.email.message_id.startswith("<E5-bad037e6")
    assert result.date == datetime(2010, 11, 28, 22, 42, 18, tzinfo=UTC)
    assert "Mit dem Postfach auf die Piste" in result.pages[0].text
    assert result.metadata["message_class"] == "IPM.Note"
    assert result.children == []  # the message has no attachments


def test_rfc822_text_is_not_an_outlook_file(corpus: Path, settings: Settings) -> None:
    with pytest.raises(CorruptDocument):
        _msg(corpus / "ingest-file/fnf.msg", settings)


def test_other_ole_file_is_corrupt(corpus: Path, settings: Settings) -> None:
    with pytest.raises(CorruptDocument):
        _msg(corpus / "ingest-file/doc.doc", settings)
