"""Unix mailboxes: every message becomes a message/rfc822 child."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from ingest.errors import EmptyDocument, LimitExceeded
from ingest.extractors.base import Extraction, Source
from ingest.extractors.mbox import MboxExtractor, split_mbox
from ingest.mail import parse_bytes


def _mbox(path: Path, settings: Settings) -> Extraction:
    return MboxExtractor().extract(
        Source(path=path, filename=path.name, mime_type="application/mbox", settings=settings)
    )


def _three_messages(tmp_path: Path) -> Path:
    parts = []
    for number in range(1, 4):
        parts.append(
            f"From sender{number}@example.org Mon Jan  1 00:00:00 2024\n"
            f"From: sender{number}@example.org\nSubject: Message {number}\n\n"
            f"Body {number}\n>From the escaped line\n\n"
        )
    path = tmp_path / "three.mbox"
    path.write_text("".join(parts))
    return path


def test_plan_mbox(corpus: Path, settings: Settings) -> None:
    result = _mbox(corpus / "ingest-file/plan.mbox", settings)
    assert result.metadata["message_count"] == 1
    [child] = result.children
    assert child.mime_hint == "message/rfc822"
    assert child.position == "message/1"
    assert "Re: Our friends has a good plan" in result.pages[0].text
    assert parse_bytes(child.data)["Subject"] == "Re: Our friends has a good plan"


def test_messages_split_in_order(tmp_path: Path, settings: Settings) -> None:
    result = _mbox(_three_messages(tmp_path), settings)
    assert [c.position for c in result.children] == ["message/1", "message/2", "message/3"]
    assert [c.metadata["subject"] for c in result.children] == ["Message 1", "Message 2", "Message 3"]
    assert not result.children[0].data.startswith(b"From ")
    assert b">From the escaped line" in result.children[0].data


def test_limits_and_empty(tmp_path: Path, settings: Settings) -> None:
    settings.max_children = 2
    with pytest.raises(LimitExceeded):
        _mbox(_three_messages(tmp_path), settings)
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"\n")
    with pytest.raises(EmptyDocument):
        _mbox(empty, settings)


def test_from_inside_a_line_does_not_split() -> None:
    data = b"From a@x Mon\nSubject: one\n\nsee From here\nFrom b@x Tue\nSubject: two\n\nx\n"
    assert len(split_mbox(data)) == 2
