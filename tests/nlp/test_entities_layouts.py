"""Entity patterns on layouts seen in real Italian documents (PDF text layers, PEC receipts)."""

from __future__ import annotations

from nlp.entities import find_pattern_entities, merge_entities
from tests.nlp._codes import bad_check, iban_it


def _values(text: str, label: str) -> list[str]:
    return [e.value for e in merge_entities(find_pattern_entities(text)) if e.label == label]


def test_iban_grouped_by_bban_field() -> None:
    code = iban_it("X0306909400100000008489")  # CIN, ABI, CAB, account
    spaced = f"{code[:2]} {code[2:4]} {code[4]} {code[5:10]} {code[10:15]} {code[15:]}"
    assert _values(f"L'IBAN su cui effettuare il bonifico è:\n{spaced} - BANCA", "IBAN") == [code]
    assert _values(f"IBAN {spaced[:-1]}{bad_check(spaced)[-1]}", "IBAN") == []
    assert _values(f"{code[:2]} {code[2:4]} {code[4]} {code[5:10]} {code[10:15]} {code[15:]}", "PHONE") == []


def test_pec_message_identifiers_are_not_addresses() -> None:
    text = (
        "Mittente: sender@fakepec.it\nIdentificativo: opec210312.20241115182038.288127.606.1.53@fakepec.it\n"
        "Messaggio originale: <SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>\n"
        "Identificativo del messaggio: opec210312.20241115182038.288127.606.1.53@pec.fakepec.it"
    )
    assert _values(text, "EMAIL") == ["sender@fakepec.it"]


def test_phone_glued_to_the_next_label_and_padded_codes() -> None:
    text = "Tel: 199 79 79 79Fax: 06 59887385E-Mail: info@example.it\n19.11.18 19:00 00922255 003982 VICENZA"
    assert _values(text, "PHONE") == ["+39199797979", "+390659887385"]
    assert _values(text, "DATE") == ["2018-11-19"]


def test_reference_needs_its_cue_on_the_same_line() -> None:
    assert _values("FATTURA\n16121 GENOVA", "REFERENCE") == []
    assert _values("Fattura semplificata n. 123 del 01/01/2019", "REFERENCE") == ["invoice:123"]
