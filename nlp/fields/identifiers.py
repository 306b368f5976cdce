"""The document's number, the supplier's VAT id and the IBAN to pay to.

Each is the value after its label ("Fattura n.", "INV NO", "P.IVA", "GST ID");
a number may also stand alone on the row under the document's title. An
Italian VAT number is checked by its check digit (`stdnum`): valid, it is sure;
without a label it is taken only when valid. An IBAN is taken only when its
check digits hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from stdnum import iban as std_iban
from stdnum.it import iva as std_iva

from nlp.fields.found import Found, label
from nlp.fields.layout import Row

__all__ = ["iban_of", "number_of", "vat_of"]


_NUMBER_LABEL = label(
    r"\b(fattura|invoice|receipt|ricevuta|scontrino|bill|doc(?:ument)?o?|nota\s?di\s?credito|credit\s?note|"
    r"inv|rcpt|trans(?:action)?|order|ordine)\s?(n(?:o|r|um(?:ber|ero)?)?\.?|#|n°|nº)\s*[:.#]?\s*"
    r"(?P<value>[A-Z0-9][A-Z0-9/\-_.]{1,24})",
)
_NUMBER_ALONE = label(r"^(?:n(?:o|r|umero)?\.?|#|n°|nº)\s*[:.#]?\s*(?P<value>[A-Z0-9]*\d[A-Z0-9/\-_.]{0,24})")
_VAT_LABEL = label(
    r"\b(p\.?\s?iva|partita\s?iva|c\.?f\.?\s?/\s?p\.?\s?iva|vat\s?(?:no|number|reg\w*|id)?|gst\s?(?:id|reg\w*"
    r"(?:\s?no)?|no)|company\s?reg\w*\s?no|co\.?\s?reg\.?\s?no|tax\s?id|codice\s?fiscale)\b\.?\s*[:.#]?\s*"
    r"(?P<value>(?:[A-Z]{2}\s?)?\d[\d\-]{5,16}\d)",
)
_ENDS_WITH_TITLE = re.compile(r"(fattura|invoice|receipt|ricevuta)\s*$", re.I)
_BLANK_OR_DASH = re.compile(r"[\s\-]")
_BLANK = re.compile(r"\s")
_IT_VAT = re.compile(r"(?<![\w])(?:IT\s?)?(?P<value>\d{11})(?!\d)")
_IBAN = re.compile(r"(?<![A-Z0-9])(?P<value>[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30})", re.IGNORECASE)


def number_of(rows: Sequence[Row], with_digits: Sequence[bool]) -> Found | None:
    for index, row in enumerate(rows):
        if not with_digits[index]:
            continue  # a number without a digit is not taken
        match = _NUMBER_LABEL.search(row.text)
        if match is None and index > 0 and _ENDS_WITH_TITLE.search(rows[index - 1].text):
            match = _NUMBER_ALONE.search(row.text)
        if match is not None and any(ch.isdigit() for ch in match["value"]):
            value = match["value"].strip(".-/")
            return Found("number", value, value, 0.7, row.box(match.start("value"), match.end("value")))
    return None


def vat_of(rows: Sequence[Row], with_digits: Sequence[bool]) -> Found | None:
    rows = [row for row, has_digit in zip(rows, with_digits, strict=True) if has_digit]  # a VAT id has digits
    for row in rows:
        match = _VAT_LABEL.search(row.text)
        if match is None:
            continue
        raw = _BLANK_OR_DASH.sub("", match["value"]).upper()
        digits = raw[2:] if raw[:2].isalpha() else raw
        if len(digits) == 11 and digits.isdigit():
            valid = std_iva.is_valid(digits)
            value = "IT" + digits if valid or raw.startswith("IT") else raw
            return Found("supplier_vat", value, match["value"], 0.95 if valid else 0.6,
                         row.box(match.start("value"), match.end("value")))  # fmt: skip
        if sum(ch.isdigit() for ch in raw) >= 6:
            return Found(
                "supplier_vat", raw, match["value"], 0.7, row.box(match.start("value"), match.end("value"))
            )
    for row in rows:  # an Italian VAT number without a label: only when its check digit holds
        for match in _IT_VAT.finditer(row.text):
            if std_iva.is_valid(match["value"]):
                return Found("supplier_vat", "IT" + match["value"], match.group(0), 0.6,
                             row.box(match.start(), match.end()))  # fmt: skip
    return None


def iban_of(rows: Sequence[Row], with_digits: Sequence[bool]) -> Found | None:
    for row, has_digit in zip(rows, with_digits, strict=True):
        if not has_digit:
            continue
        for match in _IBAN.finditer(row.text):
            compact = _BLANK.sub("", match["value"]).upper()
            for end in range(len(compact), 14, -1):  # the regex may run into the next word
                if std_iban.is_valid(compact[:end]):
                    return Found(
                        "iban", compact[:end], match["value"], 0.95, row.box(match.start(), match.end())
                    )
    return None
