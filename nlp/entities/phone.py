"""PHONE: telephone numbers, validated by `phonenumbers` and normalised to E.164.

The default region is Italy. Candidates are digit groups with the usual
separators ("02 1234 5678", "+39 333-123-4567", "(02) 12345678"); each is parsed
and kept only if `phonenumbers` calls it a valid number. Digit runs that merely
look like phones are kept out: dates ("05.11.18"), amounts next to a currency,
groups inside an IBAN-shaped run, and bare unformatted runs ("0212345678")
unless a cue such as "tel." or "phone" stands just before them.
`phonenumbers.PhoneNumberMatcher` does the same job about seven times slower on
number-heavy invoices, and tags "05.11.18 08" (a date and an hour) as a phone.
"""

from __future__ import annotations

import re

import phonenumbers

from core.document import Entity
from nlp.entities._base import context_before, make_entity
from nlp.entities.iban import IBAN_FIELD_SHAPE, IBAN_SHAPE

__all__ = ["DEFAULT_REGION", "find_phones"]

DEFAULT_REGION = "IT"

# A "." or ":" before a candidate is fine after a word ("tel.02 ...") but not after a digit.
# After it, a capitalised word glued on by a PDF's text layer ("79 79Fax", "7385E-Mail") is
# tolerated; any other letter or digit is not.
_CANDIDATE = re.compile(
    r"(?<![\w+/,-])(?<!\d[.:])(?:\+|00)?\(?\d{1,4}\)?(?:[ .-]?\(?\d{1,5}\)?){0,5}"
    r"(?![0-9_]|[^\W\d_A-Z]|[A-Z](?![a-z]|-[A-Za-z])|[.,/:-]\d)"
)
_CUE = re.compile(
    r"\b(?:tel|telefono|telefonico|cell|cellulare|mob|mobile|phone|fax|call|chiamare|chiamaci|"
    r"numero verde|whatsapp|recapito|contattare|contact|ph)\b"
)
_BARE = re.compile(r"\d+")
_DATE_START = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d)|\d{4}-\d{2}-\d{2}")
_CURRENCY_BEFORE = re.compile(r"(?:€|\$|£|\beur\b|\beuro\b|\busd\b|\bgbp\b|\bchf\b)\s*$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"^\s*(?:€|\$|£|eur\b|euro\b|usd\b|gbp\b|chf\b)", re.IGNORECASE)
_MIN_DIGITS, _MAX_DIGITS = 6, 15  # E.164 allows at most 15


def find_phones(text: str) -> list[Entity]:
    """Every valid phone number in `text`, value in E.164 ("+390212345678")."""
    blocked = [(m.start(), m.end()) for shape in (IBAN_SHAPE, IBAN_FIELD_SHAPE) for m in shape.finditer(text)]
    found: list[Entity] = []
    for match in _CANDIDATE.finditer(text):
        raw, start, end = match.group(), match.start(), match.end()
        if not _MIN_DIGITS <= sum(ch.isdigit() for ch in raw) <= _MAX_DIGITS:
            continue
        if _DATE_START.match(raw) or _next_to_currency(text, start, end):
            continue
        # "00" opens an international number only where a cue says it is one: in tables
        # it is a zero-padded code ("00922255 003982").
        if (_BARE.fullmatch(raw) or raw.startswith("00")) and not _CUE.search(
            context_before(text, start, 25)
        ):
            continue
        if any(b_start < end and start < b_end for b_start, b_end in blocked):
            continue
        try:
            number = phonenumbers.parse(raw, DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            found.append(make_entity("PHONE", text, start, end, value))
    return found


def _next_to_currency(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 6) : start], text[end : end + 6]
    return bool(_CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.search(after))
