"""The total against the cash handed over (`nlp.fields.total`, `total_checks`): SROIE development receipts
as the pipeline read them (receipt 612 of the seeded development order, read in session 37)."""

from __future__ import annotations

from nlp.fields import extract_fields


def total(*lines: str) -> str | None:
    found = {f.name: f.value for f in extract_fields(["\n".join(lines)], None, None, 0.0)}
    return found.get("total")


def test_a_speck_before_the_sub_total_is_no_lost_digit_of_the_total_paid_in_cash() -> None:
    lines = (
        "Cash Sale",
        "KT WONG TRADING (001904043-H)",
        "15*BAG * 24.90X 373.50 SR",
        "4BOTOL * 15.95 ¥ 63,80 SR",
        "2PETI * 26.00 X 52.00 SR",
        "3 “Sub Total Inclusive GST 7 489.30",
        "Rounding Adj. : 0.00",
        "Rounded Total (RM): 489.30",
        "i GST Summary | Amount Tax",
        "SR@ 0% 489.30 0.00",
        "Payment Detail",
        "03/06/2018 Cash 489.30",
    )
    assert total(*lines) == "489.30"


def test_a_total_below_the_sub_total_still_gets_its_lost_digits_back() -> None:
    lines = (
        "SUB-TOTAL 26.00",
        "TOTAL TAX 1.56",
        "ROUNDING -0.01",
        "TOTAL 7.55",
        "CASH 50.00",
        "CHANGE 22.45",
    )
    assert total(*lines) == "27.55"
