"""Unix mailboxes (``mbox``): every message becomes a child document.

The mailbox itself is indexed with a short listing (date, sender, subject) so that a
search for a subject finds the mailbox too. Messages are split on ``From `` lines at
the start of a line, as the stdlib `mailbox` module does; messages keep their bytes.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesHeaderParser
from typing import ClassVar

from core.document import Page
from ingest.errors import EmptyDocument, LimitExceeded
from ingest.extractors.base import Child, Extraction, Extractor, Source
from ingest.mail import header_text

__all__ = ["MboxExtractor", "split_mbox"]

_FROM_LINE = re.compile(rb"^From .*\r?\n", re.MULTILINE)


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox, without their ``From `` separator lines.

    NUL padding at the end is dropped; classic Mac files end lines with CR alone.
    """
    data = data.rstrip(b"\x00")
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")
    starts = [
        m for m in _FROM_LINE.finditer(data) if m.start() == 0 or data[m.start() - 1 : m.start()] == b"\n"
    ]
    messages = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(data)
        body = data[match.end() : end]
        if body.strip():
            messages.append(body)
    return messages


class MboxExtractor(Extractor):
    """Lists the messages and hands each one on as a ``message/rfc822`` child."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/mbox",)
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".mbox", ".mbx")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        data = source.read_bytes()
        messages = split_mbox(data)
        if not messages:
            raise EmptyDocument("the mailbox holds no messages")
        limit = source.settings.max_children
        if len(messages) > limit:
            raise LimitExceeded(f"the mailbox holds {len(messages)} messages; the limit is {limit}")
        result = Extraction(title=source.filename, metadata={"message_count": len(messages)})
        parser = BytesHeaderParser(policy=policy.default)
        lines = []
        for number, raw in enumerate(messages, start=1):
            headers = parser.parsebytes(raw)
            subject = header_text(headers, "subject") or "(no subject)"
            sender = header_text(headers, "from")
            date = header_text(headers, "date")
            lines.append(" | ".join(part for part in (date, sender, subject) if part))
            result.children.append(
                Child(
                    f"message-{number}.eml", raw, f"message/{number}", "message/rfc822", {"subject": subject}
                )
            )
        result.pages = [Page(1, "\n".join(lines))]
        return result
