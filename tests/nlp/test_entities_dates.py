"""DATE: numeric day-first, ISO, Italian and English month names; impossible dates rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.entities.dates import _PATTERNS, _to_date, find_dates


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("fattura emessa il 12/03/2024 con scadenza", "12/03/2024"),
        ("data 12.03.2024", "12.03.2024"),
        ("Milano, 12 marzo 2024", "12 marzo 2024"),
        ("Milano, 12 Mar. 2024", "12 Mar. 2024"),
        ("London, March 12, 2024", "March 12, 2024"),
        ("on the 12th of March 2024", "12th of March 2024"),
        ("created 2024-03-12 by the system", "2024-03-12"),
        ("consegna il 12/3/24", "12/3/24"),
    ],
)
def test_dates_normalised_to_iso(text: str, written: str) -> None:
    (entity,) = find_dates(text)
    assert entity.value == "2024-03-12"
    assert entity.text == written
    assert text[entity.start : entity.end] == written


def test_first_of_the_month() -> None:
    assert [e.value for e in find_dates("dal 1° maggio 2023")] == ["2023-05-01"]


@pytest.mark.parametrize(
    "text", ["31/02/2024", "30 febbraio 2024", "February 30, 2024", "2024-13-01", "00/01/2024"]
)
def test_impossible_dates_are_rejected(text: str) -> None:
    assert find_dates(text) == []


def test_references_and_amounts_are_not_dates() -> None:
    assert find_dates("fattura n. 2024/118, protocollo 123/2024, importo 1.234,56, versione 1.2.3") == []


def test_a_two_digit_year_is_found_in_a_text_without_four_digits() -> None:
    assert [e.value for e in find_dates("pagato il 05/11/18, ricevuta 05.11.18")] == [
        "2018-11-05",
        "2018-11-05",
    ]


def test_dates_on_real_texts_are_those_of_every_pattern_searched(corpus: Path) -> None:
    """The texts without four digits in a row are not searched for four-digit years: the same
    dates as when every pattern searches every text (real mail, complaints, Italian documents)."""
    rows = (corpus.parent / "nlp-corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [str(json.loads(line)["text"]) for line in rows if line.strip()]
    texts += [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted((corpus / "italian").rglob("*.txt"))
    ]
    searched = 0
    for text in texts:
        every = _dates_of_every_pattern(text)
        assert [(e.start, e.end, e.value) for e in find_dates(text)] == every, text[:200]
        searched += len(every)
    assert searched > 150  # 196 on these texts: dates were compared, not only empty lists


def _dates_of_every_pattern(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            when = _to_date(match)
            if when is not None and not any(s < end and start < e for s, e, _ in found):
                found.append((start, end, when.isoformat()))
    return sorted(found)
