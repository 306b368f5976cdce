"""MONEY: Italian and English separators, symbols, codes and words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nlp.entities.money import find_money, parse_amount


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("Totale da pagare € 1.234,56 entro fine mese", "€ 1.234,56", "1234.56 EUR"),
        ("un importo di 1.234,56 euro", "1.234,56 euro", "1234.56 EUR"),
        ("canone mensile EUR 100", "EUR 100", "100.00 EUR"),
        ("the total is $1,234.56 including VAT", "$1,234.56", "1234.56 USD"),
        ("a fee of 100 USD per month", "100 USD", "100.00 USD"),
        ("sconto di 12,5 euro", "12,5 euro", "12.50 EUR"),
        ("prezzo 2.500€ IVA esclusa", "2.500€", "2500.00 EUR"),
        ("capitale sociale 1.000.000 EUR", "1.000.000 EUR", "1000000.00 EUR"),
        ("a balance of £75.20 remains", "£75.20", "75.20 GBP"),
        ("a total of 1,234,567.89 EUR", "1,234,567.89 EUR", "1234567.89 EUR"),
    ],
)
def test_amounts_with_currency(text: str, written: str, value: str) -> None:
    (entity,) = find_money(text)
    assert entity.text == written
    assert entity.value == value
    assert text[entity.start : entity.end] == written


def test_numbers_without_currency_are_not_money() -> None:
    assert find_money("ordine 1.234 pezzi, 12,50 kg, pagina 100, eurozona 2024") == []


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1.234", Decimal("1234")),
        ("1,234", Decimal("1234")),
        ("12,5", Decimal("12.5")),
        ("12.50", Decimal("12.50")),
        ("1'234.50", Decimal("1234.50")),
    ],
)
def test_parse_amount(raw: str, amount: Decimal) -> None:
    assert parse_amount(raw) == amount
