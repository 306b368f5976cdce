"""IBAN, CODICE_FISCALE and PARTITA_IVA: valid codes are tagged, checksum-invalid decoys are not."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nlp.entities.codice_fiscale import find_codici_fiscali
from nlp.entities.iban import find_ibans
from nlp.entities.partita_iva import find_partite_iva
from tests.nlp._codes import bad_check, codice_fiscale, iban_it, partita_iva


def _spaced(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@pytest.mark.parametrize("render", [str, _spaced])
def test_valid_iban_compact_or_spaced(render: Callable[[str], str]) -> None:
    code = iban_it()
    written = render(code)
    text = f"Coordinate bancarie: IBAN {written} presso la nostra banca."
    (entity,) = find_ibans(text)
    assert entity.value == code
    assert text[entity.start : entity.end] == written


def test_iban_followed_by_a_bic_keeps_its_own_end() -> None:
    code = iban_it()
    text = f"IBAN {_spaced(code)} BIC ABCDITMM"
    (entity,) = find_ibans(text)
    assert entity.text == _spaced(code)


def test_english_iban() -> None:
    text = "Please pay to GB82 WEST 1234 5698 7654 32 by Friday."  # the IBAN standard's own example
    assert [e.value for e in find_ibans(text)] == ["GB82WEST12345698765432"]


def test_iban_with_wrong_check_is_not_tagged() -> None:
    code = iban_it()
    wrong_digits = code[:2] + f"{(int(code[2:4]) + 1) % 100:02d}" + code[4:]
    assert find_ibans(f"IBAN {bad_check(code)} e IBAN {wrong_digits}") == []


def test_codice_fiscale_valid_and_lower_case() -> None:
    code = codice_fiscale()
    text = f"C.F. {code}; il secondo: {code.lower()}."
    found = find_codici_fiscali(text)
    assert [e.value for e in found] == [code, code]
    assert found[0].text == code


def test_codice_fiscale_with_wrong_control_character_is_not_tagged() -> None:
    assert find_codici_fiscali(f"Codice fiscale {bad_check(codice_fiscale())}") == []


def test_codice_fiscale_inside_a_longer_token_is_not_tagged() -> None:
    assert find_codici_fiscali(f"X{codice_fiscale()}9") == []


@pytest.mark.parametrize(
    "cue",
    ["P.IVA", "P. IVA", "Partita IVA:", "partita iva n.", "VAT number", "C.F./P.IVA", "Cod. Fisc. e P.Iva"],
)
def test_partita_iva_with_cue(cue: str) -> None:
    number = partita_iva()
    text = f"Rossi S.r.l. - {cue} {number} - Via Roma 1"
    (entity,) = find_partite_iva(text)
    assert entity.value == "IT" + number
    assert entity.text == number


def test_partita_iva_with_it_prefix_needs_no_cue() -> None:
    number = partita_iva()
    assert [e.value for e in find_partite_iva(f"ordine del cliente IT{number}")] == ["IT" + number]
    assert [e.value for e in find_partite_iva(f"ordine del cliente IT {number}")] == ["IT" + number]


def test_eleven_digits_without_cue_are_not_a_partita_iva() -> None:
    assert find_partite_iva(f"Codice articolo {partita_iva()} in magazzino") == []


def test_partita_iva_with_wrong_check_digit_is_not_tagged() -> None:
    assert find_partite_iva(f"P.IVA {bad_check(partita_iva())}") == []


def test_cue_too_far_away_does_not_count() -> None:
    far = "P.IVA" + " qui segue un testo lungo abbastanza da staccare il numero " + partita_iva()
    assert find_partite_iva(far) == []
