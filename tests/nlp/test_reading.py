"""How the classifier reads a letter: artefacts masked, formulas out, the whole text looked at."""

from __future__ import annotations

import pytest

from nlp.annotate import annotate_text
from nlp.embedding import MAX_CHARS, encoder_input
from nlp.reading import content_sentences, is_formula, mask_artefacts
from nlp.sentiment import sentiment_score

STORY = (
    "On 03/02 I sent the dispute letter by certified mail. The bank reported my account as late anyway. "
    "My credit score dropped by 80 points and my mortgage application was refused."
)


def test_redaction_marks_urls_and_handles_are_masked() -> None:
    masked = mask_artefacts("On XX/XX/XXXX I paid {$1,200.00} to XXXX, see https://x.example/a @BankHelp")
    assert "XX" not in masked and "$" not in masked and "http" not in masked and "@" not in masked
    assert "I paid" in masked


@pytest.mark.parametrize(
    "line",
    ["Dear Sir,", "Kind regards,", "Thank you for your attention.", "Cordiali saluti", "Gentile cliente,",
     "Grazie per l'attenzione.", "In attesa di un vostro riscontro, distinti saluti.", "John Smith"],
)  # fmt: skip
def test_formulas_are_recognised(line: str) -> None:
    assert is_formula(line)


def test_content_is_not_a_formula() -> None:
    assert not is_formula("Dear Sir, I am writing to complain about the fee you charged me twice last month.")
    assert not is_formula("Thank you for nothing: the refund never arrived.")
    letter = f"Dear Sir,\n{STORY}\nThank you for your attention.\nKind regards,\nJohn Smith"
    assert content_sentences(letter) == content_sentences(STORY)


def test_the_encoder_sees_a_grievance_told_after_the_opening() -> None:
    opening = "I opened the account in 2019. I use it for my salary. I also have a savings account."
    neutral = " ".join(f"Line {n} of the account history." for n in range(5))
    seen = encoder_input(f"{opening} {neutral} The fee was charged twice and I still have no refund.")
    assert seen.startswith("I opened the account in 2019.") and "charged twice" in seen


def test_a_grievance_at_the_end_of_a_long_letter_is_not_cut_off() -> None:
    opening = "I opened the account in 2019. I use it for my salary. I also have a savings account."
    # long sentences with one telling word each fill the budget before the last one is reached
    story = " ".join(
        f"In month {n} the statement arrived late and I read it line by line {'x' * 90}." for n in range(8)
    )
    seen = encoder_input(f"{opening} {story} The bank charged the fee twice and refused any refund.")
    assert "refused any refund" in seen and len(seen) <= MAX_CHARS


def test_thank_you_closings_are_formulas_unless_they_are_all_there_is() -> None:
    assert is_formula("Thank you so much for your attention and your kind help.")
    assert not is_formula("Thanks for nothing, the parcel never came.")
    assert content_sentences(f"{STORY}\nMany thanks for your patience and support.") == content_sentences(
        STORY
    )
    assert content_sentences("Thank you very much for your help!") == ["Thank you very much for your help!"]


def test_polite_closing_does_not_change_the_tone() -> None:
    closing = "\n\nThank you for your attention.\nBest regards,\nMary Jones"
    closing_it = "\n\nGrazie per la cortese attenzione.\nCordiali saluti,\nMaria Rossi"
    for language, body, end in (
        ("en", STORY, closing),
        ("it", "Il pacco è arrivato rotto, sono deluso.", closing_it),
    ):
        assert sentiment_score(body + end, language) == sentiment_score(body, language)


@pytest.mark.parametrize(
    "text",
    [
        "Vi sconsiglio questo fornitore, ritardi continui.",
        "La pagina del pagamento non carica e nessuno mi aiuta.",
        "Deluso dal vostro servizio: ordine incompleto e nessuna risposta.",
        "Mai più da voi, il rimborso non è mai arrivato.",
    ],
)
def test_informal_italian_complaints_are_understood(text: str) -> None:
    assert annotate_text(text).complaint


@pytest.mark.parametrize(
    "text",
    [
        "Dear Sir, I wish to file a formal complaint about the way my account was closed.",
        "Con la presente presento reclamo per la fattura n. 118.",
        "Oggetto: contestazione addebito. Contesto l'importo indicato in fattura.",
        "Vi diffidiamo dal proseguire con i solleciti.",
    ],
)
def test_explicit_complaints_are_always_flagged(text: str) -> None:
    annotations = annotate_text(text)
    assert annotations.complaint and annotations.category == "complaint"
