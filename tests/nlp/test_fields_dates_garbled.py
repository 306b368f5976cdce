"""Receipt dates (`nlp.fields.dates`) on rows as the pipeline read SROIE development receipts
(receipts 300-521 of the seeded development order, read in session 37)."""

from __future__ import annotations

from nlp.fields import extract_fields


def doc_date(*lines: str) -> str | None:
    return {f.name: f.value for f in extract_fields(["\n".join(lines)], None, None, 0.0)}.get("doc_date")


def test_a_date_and_time_opening_a_row_with_the_first_separator_garbled() -> None:
    assert doc_date("(GST ID No :000306020352)", "24. -03-18 18:10 SHO! ZJ86 11 R000112046") == "2018-03-24"
    assert doc_date("9557002081113 4X 9.50 38.00", "27: 04-18 16:26 SHO] ZJ86 72 R000120718") == "2018-04-27"
    # not without the time, and not when the page prints another date
    assert doc_date("27: 04-18 SHO] ZJ86") is None
    assert doc_date("Date: 01/05/2018", "27: 04-18 16:26 SHO] ZJ86") == "2018-05-01"


def test_a_date_label_run_into_another_word() -> None:
    lines = ("@ 10.12.01. 10 5340/5,PETALING JAVA", "TEL : 012-2060 778", "BIZDATE: 10/02/2017",
             "PRINTED: 10/02/7017 01:09:47 PM RM")  # fmt: skip
    assert doc_date(*lines) == "2017-02-10"  # not the address's "10.12.01"
