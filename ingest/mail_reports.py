"""Delivery reports (RFC 3464 ``message/delivery-status``) and feedback reports
(RFC 5965 ``message/feedback-report``) read as fields, not lost as empty parts.

A bounce says *who* was not reached (Final-Recipient), *how* (Action, Status) and
*why* (Diagnostic-Code, Remote-MTA). These values go into the message's text, so a
search for the address or the SMTP reply finds the bounce, and into
``metadata["bounce"]``: ``status``, ``recipient``, ``diagnostic``, ``action``,
``remote_mta`` (lists, one entry per recipient; the index turns them into the
``bounce_status``, ``bounce_recipient`` and ``diagnostic`` fields). A feedback
report adds its Feedback-Type as the diagnostic and Original-Rcpt-To as recipient.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import HeaderParser
from typing import Any

__all__ = ["REPORT_TYPES", "merge_into", "report_fields"]

REPORT_TYPES = frozenset(
    {"message/delivery-status", "message/global-delivery-status", "message/feedback-report"}
)
_TYPED = re.compile(r"^\s*[\w.-]+\s*;\s*")  # "rfc822; a@b", "smtp; 550 ...", "dns; mx.example"


def report_fields(part: Message) -> tuple[list[str], dict[str, list[str]]]:
    """The report's lines as text, and its values by bounce field."""
    blocks = _blocks(part)
    lines: list[str] = []
    values: dict[str, list[str]] = {}
    feedback = part.get_content_type() == "message/feedback-report"
    for block in blocks:
        for name, value in block:
            lines.append(f"{name}: {value}")
            key = name.lower()
            bare = _TYPED.sub("", value).strip()
            if key in ("final-recipient", "original-rcpt-to") or (
                key == "original-recipient" and not values.get("recipient")
            ):
                _add(values, "recipient", bare.strip("<>"))
            elif key == "status":
                _add(values, "status", bare.split()[0] if bare else "")
            elif key == "action":
                _add(values, "action", bare.lower())
            elif key == "diagnostic-code" or (feedback and key == "feedback-type"):
                _add(values, "diagnostic", bare)
            elif key == "remote-mta":
                _add(values, "remote_mta", bare)
        lines.append("")
    return lines, values


def merge_into(metadata: dict[str, Any], values: dict[str, list[str]]) -> None:
    """Add a report's values to ``metadata["bounce"]`` (several reports may be in one message)."""
    bounce: dict[str, list[str]] = metadata.setdefault("bounce", {})
    for key, found in values.items():
        for value in found:
            if value not in bounce.setdefault(key, []):
                bounce[key].append(value)


def _add(values: dict[str, list[str]], key: str, value: str) -> None:
    value = " ".join(value.split())
    if value:
        values.setdefault(key, []).append(value)


def _blocks(part: Message) -> list[list[tuple[str, str]]]:
    """The report's field blocks: the stdlib parses delivery-status into sub-messages,
    every other report type stays one text payload of header blocks."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [
            [(str(k), _unfold(str(v))) for k, v in block.items()]
            for block in payload
            if isinstance(block, Message)
        ]
    raw = part.get_payload(decode=True)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
    blocks = []
    for chunk in re.split(r"\r?\n\s*\r?\n", text.strip()):
        parsed = HeaderParser().parsestr(chunk + "\n\n")
        fields = [(str(k), _unfold(str(v))) for k, v in parsed.items()]
        if fields:
            blocks.append(fields)
    return blocks


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", value).strip()
