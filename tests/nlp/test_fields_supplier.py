"""The supplier's name (`nlp.fields.supplier`) on rows as OCR read them on SROIE development receipts.

Each case's rows are the top of a development receipt as the pipeline (or the
receipt's transcript) gives them; the SROIE key of the receipt is the name.
"""

from __future__ import annotations

from nlp.fields import KeyField, extract_fields


def supplier(rows: list[str], minimum: float = 0.0) -> KeyField | None:
    found = [f for f in extract_fields(["\n".join(rows)], None, None, minimum) if f.name == "supplier"]
    return found[0] if found else None


def name(rows: list[str]) -> str | None:
    found = supplier(rows)
    return found.value if found else None


def test_a_name_ends_at_co() -> None:
    rows = ["OZ", "EIGHT OUNCE", "COFFEE”", "EIGHT OUNCE COFFEE CO. THE GARDENS MALL",
            "F.K06, First Floor, The Gardens Mall,", "GST No. 002063339520"]  # fmt: skip
    assert name(rows) == "EIGHT OUNCE COFFEE CO."
    # "CO." no registered form: the company with its legal form under a "& CO." shop sign still wins
    rows = ["AMPHAWA THAI TEA & CO.", "DIMILIKI OLEH T PLUS F&B SDN. BHD.", "(1219716-T)", "PARADIGM MALL"]
    assert name(rows) == "DIMILIKI OLEH T PLUS F&B SDN. BHD."


def test_a_state_or_a_sentence_ending_in_co_is_no_company() -> None:
    assert supplier(["John Smith", "Boulder, CO."], 0.5) is None
    assert supplier(["links, whereas Bill Joy and co."], 0.5) is None


def test_a_name_over_three_rows() -> None:
    rows = ["AIK HUAT HARDWARE", "ENTERPRISE (SETIA", "ALAM) SDN BHD", "822737-X", "NO. 17-G, JALAN SETIA"]
    found = supplier(rows)
    assert found is not None
    assert found.value == "AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD"
    assert found.confidence == 0.7  # joined rows: less sure than a whole row with its legal form (0.8)


def test_a_name_goes_on_a_row_starting_with_a_word_that_ends_names() -> None:
    rows = ["TSH POWER HARDWARE", "TRADING", "002458685-T", "13-1, JALAN PJU 5/10,"]
    assert name(rows) == "TSH POWER HARDWARE TRADING"


def test_two_name_rows_over_the_registration_number() -> None:
    rows = ["KESTAURANT JIAWEI", "JIAWEI HOUSE", "002693074-K", "13, JLN TASIK UTAMA 8", "57000 KL"]
    assert name(rows) == "RESTAURANT JIAWEI JIAWEI HOUSE"


def test_the_company_printed_after_the_shops_address_is_its_owner() -> None:
    """Receipt 504: OCR did not read the "Owned By :" row above the company."""
    rows = ["SANYU STATIONERY SHOP", "NO. 316&33G, JALAN SETIA INDAH X ,U13/X", "40120 SETIA ALAM",
            "Mobile /Whatsapps : +6012-915 937", "Telr4+-603°3362 4137", "GST.ID\\No:-001531760640",
            "Ai . TAX INVOICE", "SANYU SUPPLY SDN BHD (1135772-K)", "CASH SALES COUNTER"]  # fmt: skip
    assert name(rows) == "SANYU STATIONERY SHOP"


def test_a_letter_read_as_a_punctuation_mark() -> None:
    rows = ["ENW Hardwa, e Centre (M) Sdn. Bhd.", "Co. Rey No.: 795225-A", "No: G3, Bik G, Jin PIU 1A/3,"]
    assert name(rows) == "ENW Hardware Centre (M) Sdn. Bhd."


def test_the_registration_number_on_the_names_own_row() -> None:
    rows = ["BEST DENKI MALAYSIA (308282-A)", "LOT LG 26, SUBANG PARADE", "NO.5, JALAN SS16/1"]
    assert name(rows) == "BEST DENKI MALAYSIA"


def test_a_digit_in_the_name_is_no_registration_number() -> None:
    rows = ["OCEAN 1 PACKAGING ENTERPRISE", "GST NO: 000945983488", "41-1, JLN RADIN ANUM 2, SRI"]
    assert name(rows) == "OCEAN 1 PACKAGING ENTERPRISE"


def test_a_sentence_naming_a_company_is_no_supplier() -> None:
    """A consumer complaint (../shared/nlp-corpus): its first row was read as the supplier, 0.8 sure."""
    text = (
        "Midland Credit Management is a scam company that tries to collect debt that is way past the "
        "statute of limitations."
    )
    assert supplier([text], 0.5) is None


def test_legal_forms_of_european_companies() -> None:
    forms = ("Müller Haustechnik GmbH & Co. KG", "Edilizia Verdi S.c.a.r.l.", "Cantina Sociale Soc. Coop.")
    for printed in forms:
        found = supplier([f"{printed} (12345678)", "Via Roma 1, 20100 Milano"])
        assert found is not None
        assert (found.value, found.confidence) == (printed, 0.8)
