"""Synthetic identifiers with correct (and deliberately wrong) check digits, computed
with python-stdnum so no real person's or company's data appears in the tests."""

from __future__ import annotations

from stdnum import iban, luhn
from stdnum.it import codicefiscale

__all__ = ["bad_check", "codice_fiscale", "iban_it", "partita_iva"]


def iban_it(bban: str = "Z1234567890000000123456") -> str:
    """An Italian IBAN (compact) with correct check digits for `bban`."""
    return "IT" + iban.calc_check_digits("IT00" + bban) + bban


def codice_fiscale(first15: str = "RSSMRA85T10A562") -> str:
    """A 16-character codice fiscale with the right control letter."""
    return first15 + codicefiscale.calc_check_digit(first15)


def partita_iva(first10: str = "1234567001") -> str:
    """An 11-digit partita IVA with the right Luhn check digit."""
    return first10 + str(luhn.calc_check_digit(first10))


def bad_check(code: str) -> str:
    """`code` with its last character changed, so its checksum fails."""
    last = code[-1]
    if last.isdigit():
        return code[:-1] + str((int(last) + 1) % 10)
    return code[:-1] + ("A" if last != "A" else "B")
