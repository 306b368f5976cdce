"""Cue patterns (`nlp._lexicon`): the check on word beginnings never changes an answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp._lexicon import compile_cue, read_rows, split_alternatives
from nlp.reading import mask_artefacts

# file -> column of the pattern
CUE_FILES = {
    "complaint_cues.tsv": 1,
    "category_cues.tsv": 2,
    "explicit_complaint.tsv": 0,
    "informal_complaint.tsv": 0,
}


@pytest.mark.parametrize(
    ("pattern", "beginnings"),
    [
        (r"reclam(?:o|i)|lamentel[ae]", {"recl", "lame"}),
        (r"invoices?|iban", {"invo", "iban"}),
        (r"(?:file|lodge) a (?:formal )?complaint|chargeback", {"file", "lodg", "char"}),
        (r"è possibile|non (?:si )?carica", {"è", "non"}),
        (r"doesn't work|ko", {"does", "ko"}),
        (r"no\w+", {"no"}),
        (r"fatt?ura", {"fat"}),
    ],
)
def test_the_beginnings_read_off_a_pattern(pattern: str, beginnings: set[str]) -> None:
    assert compile_cue(pattern).beginnings == frozenset(beginnings)


@pytest.mark.parametrize(
    "pattern",
    [r"\d+ ?% off", r"(?:a )?refund", r"[Ff]attura", r"x|(?=y)z", r"(?:a|)b", r"ſtop", r"İstanbul"],
)
def test_a_pattern_whose_beginning_is_not_plain_letters_is_always_searched(pattern: str) -> None:
    assert compile_cue(pattern).beginnings is None


def test_a_capital_dotted_i_in_a_pattern_still_finds_a_plain_i() -> None:
    # "İ".lower() is two characters, while re.IGNORECASE equates "İ" with "i"
    assert compile_cue("İstanbul").search("Spedito da istanbul ieri")


def test_split_alternatives() -> None:
    assert split_alternatives(r"a(?:b|c)|d[|]e|f\|g") == ["a(?:b|c)", "d[|]e", r"f\|g"]


@pytest.mark.parametrize(
    "text",
    [
        "Ho presentato un RECLAMO formale",
        "I want to file a complaint",
        "il telefono NON SI CARICA più",
        "Σ the ınvoice is late",  # dotless i: IGNORECASE equates it with i, lower() does not
        "İNVOİCE attached",  # lower-cased, this text grows by a character
        "ſollecito di pagamento",  # long s
    ],
)
def test_texts_that_lower_casing_does_not_compare_are_searched_as_the_pattern_would(text: str) -> None:
    for name, column in CUE_FILES.items():
        for row in read_rows(name):
            cue = compile_cue(row[column])
            assert cue.search(text) == (cue.pattern.search(text) is not None), row[column]


def test_every_cue_answers_as_its_regular_expression_on_real_texts(corpus: Path) -> None:
    """Real complaints, list mail and Italian reviews (dev split of nlp-corpus) and the corpus's
    Italian texts, as read and with redaction marks masked (what the lexicon features read)."""
    rows = (corpus.parent / "nlp-corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [str(json.loads(line)["text"]) for line in rows if line.strip()]
    texts += [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted((corpus / "italian").rglob("*.txt"))
    ]
    texts += [mask_artefacts(text) for text in texts]
    assert len(texts) > 2000
    cues = [compile_cue(row[column]) for name, column in CUE_FILES.items() for row in read_rows(name)]
    assert sum(cue.beginnings is not None for cue in cues) > len(cues) // 2  # the check is in use
    found = 0
    for text in texts:
        for cue in cues:
            expected = cue.pattern.search(text) is not None
            assert cue.search(text) == expected, (cue.pattern.pattern, text[:200])
            found += expected
    assert found > 1000  # the texts do hold cues, so matches were compared too
