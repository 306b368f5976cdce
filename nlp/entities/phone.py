"""PHONE: telephone numbers, validated by `phonenumbers` and normalised to E.164.

The default region is Italy. Digit runs that merely *look* like phone numbers
(dates, amounts, IBAN groups, codes) are kept out: a match must be valid for its
region, must not sit inside an IBAN-shaped run, and a bare unformatted digit run
(no "+", no separators) needs a cue such as "tel." or "phone" just before it.
"""

from __future__ import annotations

import re

import phonenumbers

from core.document import Entity
from nlp.entities._base import context_before, make_entity
from nlp.entities.iban import IBAN_SHAPE

__all__ = ["DEFAULT_REGION", "find_phones"]

DEFAULT_REGION = "IT"

_CUE = re.compile(
    r"\b(?:tel|telefono|telefonico|cell|cellulare|mob|mobile|phone|fax|call|chiamare|chiamaci|"
    r"numero verde|whatsapp|recapito|contattare|contact|ph)\b"
)
_BARE = re.compile(r"\d+")


def find_phones(text: str) -> list[Entity]:
    """Every valid phone number in `text`, value in E.164 ("+390212345678")."""
    blocked = [(m.start(), m.end()) for m in IBAN_SHAPE.finditer(text)]
    found: list[Entity] = []
    matcher = phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        start, end = match.start, match.end
        if any(b_start < end and start < b_end for b_start, b_end in blocked):
            continue
        raw = match.raw_string
        if _BARE.fullmatch(raw) and not _CUE.search(context_before(text, start, 25)):
            continue
        if _looks_like_amount_or_date(text, start, end):
            continue
        value = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append(make_entity("PHONE", text, start, end, value))
    return found


_AMOUNT_NEAR = re.compile(r"(?:€|\$|£|\beur\b|\beuro\b|\busd\b|\bgbp\b|\bchf\b)\s*$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(r"^\s*(?:€|\$|£|eur\b|euro\b|usd\b|gbp\b|chf\b)", re.IGNORECASE)
_DATE_SHAPE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}")


def _looks_like_amount_or_date(text: str, start: int, end: int) -> bool:
    raw = text[start:end]
    if _DATE_SHAPE.fullmatch(raw):
        return True
    before, after = text[max(0, start - 6) : start], text[end : end + 6]
    return bool(_AMOUNT_NEAR.search(before) or _AMOUNT_AFTER.search(after))
