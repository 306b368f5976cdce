"""MONEY: an amount with its currency, value "1234.56 EUR".

Both Italian ("1.234,56") and English ("1,234.56") separators are read: when
both marks occur the last one is the decimal mark; a single mark followed by
exactly three digits groups thousands, otherwise it is the decimal mark.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from core.document import Entity
from nlp.entities._base import make_entity

__all__ = ["find_money", "parse_amount"]

_CURRENCIES: dict[str, str] = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "$": "USD", "usd": "USD", "us$": "USD", "dollari": "USD", "dollars": "USD", "dollar": "USD",
    "£": "GBP", "gbp": "GBP", "sterline": "GBP", "pounds": "GBP",
    "chf": "CHF", "franchi svizzeri": "CHF",
}  # fmt: skip
_SYMBOL = r"€|US\$|\$|£"
_CODE = r"EUR|EURO|USD|GBP|CHF"
_WORD = r"euro|euros|dollari|dollars?|sterline|pounds|franchi svizzeri"
_AMOUNT = r"\d{1,3}(?:[.,'’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY = re.compile(
    rf"(?<![\w.,])(?:(?P<c1>{_SYMBOL})\s?|(?P<c2>(?i:{_CODE}))\s?(?=\d))(?P<a1>{_AMOUNT})(?![\d])"
    rf"|(?<![\w.,])(?P<a2>{_AMOUNT})\s?(?:(?P<c3>{_SYMBOL})|(?P<c4>(?i:{_CODE}|{_WORD}))\b)"
)


def parse_amount(raw: str) -> Decimal | None:
    """The number written in `raw` with Italian or English separators, or None."""
    raw = raw.replace("'", "").replace("’", "")
    last_dot, last_comma = raw.rfind("."), raw.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal_mark = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        mark = "." if last_dot >= 0 else ","
        tail = raw.rsplit(mark, 1)[1]
        decimal_mark = mark if raw.count(mark) == 1 and len(tail) != 3 else ""
    else:
        decimal_mark = ""
    thousands = {".", ","} - {decimal_mark}
    for sep in thousands:
        raw = raw.replace(sep, "")
    if decimal_mark:
        raw = raw.replace(decimal_mark, ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def find_money(text: str) -> list[Entity]:
    """Every amount in `text` that carries a currency symbol, code or word."""
    found: list[Entity] = []
    for match in _MONEY.finditer(text):
        currency_raw = next(match.group(g) for g in ("c1", "c2", "c3", "c4") if match.group(g))
        amount_raw = match.group("a1") or match.group("a2")
        amount = parse_amount(amount_raw)
        currency = _CURRENCIES.get(currency_raw.lower())
        if amount is None or currency is None:
            continue
        value = f"{amount.quantize(Decimal('0.01'))} {currency}"
        found.append(make_entity("MONEY", text, match.start(), match.end(), value))
    return found
