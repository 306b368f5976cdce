"""REFERENCE: invoice, order, ticket, protocol and case numbers from their cue."""

from __future__ import annotations

import pytest

from nlp.entities.reference import find_references


@pytest.mark.parametrize(
    ("text", "ident", "value"),
    [
        ("in merito alla fattura n. 2024/118 del mese", "2024/118", "invoice:2024/118"),
        ("vedi fatt. nr 118", "118", "invoice:118"),
        ("l'ordine n° A-5512 non è arrivato", "A-5512", "order:A-5512"),
        ("la pratica 7781 è chiusa", "7781", "case:7781"),
        ("protocollo n. 123/2024", "123/2024", "protocol:123/2024"),
        ("regarding invoice no. INV-2024-118", "INV-2024-118", "invoice:INV-2024-118"),
        ("my order #5512 is late", "5512", "order:5512"),
        ("ticket 4471 was closed", "4471", "ticket:4471"),
        ("Order ID: 99812", "99812", "order:99812"),
        ("contratto n. C-2023-77", "C-2023-77", "contract:C-2023-77"),
    ],
)
def test_references(text: str, ident: str, value: str) -> None:
    (entity,) = find_references(text)
    assert entity.text == ident
    assert entity.value == value
    assert text[entity.start : entity.end] == ident


@pytest.mark.parametrize(
    "text",
    ["the order of 3 items", "la fattura del cliente", "order 12", "ordine evaso", "invoice attached"],
)
def test_not_references(text: str) -> None:
    assert find_references(text) == []
