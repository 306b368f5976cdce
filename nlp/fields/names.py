"""Words of shop and company names put right where OCR misread or split them.

A supplier's name is mostly its own words (which nothing here can check) and
the words that say what kind of business it is: "MART", "HARDWARE",
"STATIONERY", "BAKERY", "RESTAURANT", "ENTERPRISE", "TRADING", "ALIMENTARI"...
Those are a small vocabulary, in English, Malay and Italian, so a word of the
name that is not one of them but is one misread letter away from one is read
as it: "HART" → "MART" (H and M look alike), "HARDKARE" → "HARDWARE",
"CONFECTZONERY" → "CONFECTIONERY". A word of seven letters or more may differ
in any one letter; a shorter one only in a pair of letters OCR confuses. A
word OCR split with spaces ("ST. ATIONERY") is joined when the pieces make one
of these words. Spaces OCR put inside parentheses go ("(KL )" → "(KL)"), braces are
read as the parentheses they are ("{SP}" → "(SP)"), and so is a letter in place of the
opening parenthesis of a region code ("BAKERIES TKL) SDN BHD"); a digit among initials
is the letter it looks like ("D.1.Y." → "D.I.Y."), a "]" ending a word in small letters an
"l" ("BHPetro]"), a mark inside a business word the letter it replaced ("BAKERI&S").
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["BUSINESS_WORDS", "corrected_name", "l_for_bracket", "one_letter_apart"]

_VOCABULARY = """
    mart market minimarket supermarket hypermarket store stores shop kedai emporium
    hardware stationery books bakery bakeries confectionery
    restaurant restoran ristorante trattoria pizzeria osteria enoteca cafe coffee kopitiam
    enterprise enterprises trading traders international industries industrial services
    holdings company corporation group supply supplies pharmacy farmacia medical optical
    electrical electronics machinery engineering furniture printing timber gallery centre
    center station petroleum foods food kitchen beauty health marketing distribution
    syarikat perniagaan alimentari macelleria panetteria pasticceria tabaccheria ferramenta
    cartoleria supermercato servizi commerciale
"""
BUSINESS_WORDS = frozenset(_VOCABULARY.split())

# letters OCR takes for one another, in words of any length
_CONFUSED = {
    frozenset(pair) for pair in ("hm", "hn", "mn", "mw", "il", "lt", "ou", "oa", "ce", "ea", "rk", "bh", "ao")
}
_WORD = re.compile(r"[A-Za-z]+")
_INSIDE_OPEN = re.compile(r"\(\s+")
_INSIDE_CLOSE = re.compile(r"\s+\)")
_MOVED_SPACE = re.compile(r"\s+\)(?=\w)")  # "(KL )SDN BHD": the space belongs after the parenthesis
_BRACES = str.maketrans("{}", "()")  # "BEMED {SP}", "{519537-X)": parentheses read as braces


def _by_length() -> dict[int, list[str]]:
    lengths: dict[int, list[str]] = {}
    for word in sorted(BUSINESS_WORDS):
        lengths.setdefault(len(word), []).append(word)
    return lengths


_BY_LENGTH = _by_length()


def _case_like(word: str, model: str) -> str:
    if model.isupper():
        return word.upper()
    return word.capitalize() if model[:1].isupper() else word


def one_letter_apart(word: str, other: str) -> frozenset[str] | None:
    """The two letters in which words of the same length differ, when they differ in one place only."""
    differ = [(a, b) for a, b in zip(word, other, strict=True) if a != b]
    return frozenset(differ[0]) if len(differ) == 1 else None


def _fixed_word(match: re.Match[str]) -> str:
    word = match.group(0)
    known = _business_word_near(word.casefold())
    return word if known is None else _case_like(known, word)


@lru_cache(maxsize=4096)  # every row of every page asks: the same words come back
def _business_word_near(folded: str) -> str | None:
    """The one business word a misread letter away from `folded` (None: none, several, or it is one)."""
    if len(folded) < 4 or folded in BUSINESS_WORDS:
        return None
    found = []
    for known in _BY_LENGTH.get(len(folded), []):
        pair = one_letter_apart(folded, known)
        if pair is not None and (len(folded) >= 7 or pair in _CONFUSED):
            found.append(known)
    return found[0] if len(found) == 1 else None


def _joined(text: str) -> str:
    """Two pieces that are no business word each but make one together ("ST. ATIONERY") joined."""
    words = text.split()
    out: list[str] = []
    index = 0
    while index < len(words):
        first = words[index].rstrip(".,")
        second = words[index + 1] if index + 1 < len(words) else ""
        whole = (first + second).casefold()
        if (
            first.isalpha()
            and second.isalpha()
            and len(whole) >= 6
            and whole in BUSINESS_WORDS
            and first.casefold() not in BUSINESS_WORDS
            and second.casefold() not in BUSINESS_WORDS
        ):
            out.append(first + second)
            index += 2
        else:
            out.append(words[index])
            index += 1
    return " ".join(out)


# a letter read as a punctuation mark, maybe with a space after it: "Hardwa, e" for "Hardware", "BAKERI&S"
_LETTER_AS_MARK = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,})[,.;:'!|&]\s?([A-Za-z]+)(?![A-Za-z])")


def _mark_read_for_letter(match: re.Match[str]) -> str:
    head, tail = match.group(1), match.group(2)
    size = len(head) + 1 + len(tail)
    if size < 7 or head.casefold() in BUSINESS_WORDS or tail.casefold() in BUSINESS_WORDS:
        return match.group(0)
    found = [
        known
        for known in _BY_LENGTH.get(size, [])
        if known.startswith(head.casefold()) and known.endswith(tail.casefold())
    ]
    return _case_like(found[0], head) if len(found) == 1 else match.group(0)


# initials with dots ("MR. D.I.Y.", "T.A.S"), one read as the digit it looks like ("D.1.Y.")
_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z0-9]\.){2,}[A-Z0-9]?(?![\w])")
_DIGIT_AS_LETTER = str.maketrans("105826", "IOSBZG")
# a region code in parentheses ("(KL)", "(M)") whose opening one OCR read as a letter: "TKL)", "CM)"
_OPENING_AS_LETTER = re.compile(r"(?<=\w )[TCIl1|\[](?P<code>[A-Z]{1,2})\)")


def _initials(match: re.Match[str]) -> str:
    run = match.group(0)
    return run.translate(_DIGIT_AS_LETTER) if any(ch.isalpha() for ch in run) else run


def _opened(text: str) -> str:
    """A closing parenthesis with none open before it, after a letter and a region code: the letter was "(".

    Only after a word of the row: a row that starts with ")" ("ALAM) SDN BHD") ends a name from the row above.
    """
    match = _OPENING_AS_LETTER.search(text)
    if match is None or "(" in text[: match.start()]:
        return text
    return f"{text[: match.start()]}({match['code']}){text[match.end() :]}"


# a small l read as a closing bracket at the end of a word: "BHPetro] Palekbang"
_L_AS_BRACKET = re.compile(r"(?<=[a-z])\](?![\w])")


def l_for_bracket(text: str) -> str:
    """`text` with a "]" that ends a word in small letters read as the "l" it is (no "[" on the row)."""
    return text if "[" in text else _L_AS_BRACKET.sub("l", text)


def corrected_name(text: str) -> str:
    """`text` (a row that may hold a name) with its business words put right, see the module."""
    text = _LETTER_AS_MARK.sub(_mark_read_for_letter, _joined(l_for_bracket(text)))
    text = _WORD.sub(_fixed_word, _INITIALS.sub(_initials, text))
    text = _MOVED_SPACE.sub(") ", text.translate(_BRACES))
    return _opened(_INSIDE_CLOSE.sub(")", _INSIDE_OPEN.sub("(", text)))
