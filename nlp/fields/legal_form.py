"""A row's text as a company's name: it ends at its legal form, however OCR read it.

The registration number printed after the legal form ("SDN BHD (621273-W)"),
or in place of it, is not part of the name. Before the name is cut there, a
label ("Ragione sociale:"), a till's counter ("#000002") or a logo read as
symbols before it goes, its business words are put right
(`nlp.fields.names.corrected_name`) and so are OCR's readings of the Malaysian
legal forms ("SDN BID", "SON 3HD", "SON. GHD.", "SDN HD", "Sda. Bhd.", "(M) BRD", "5/B",
"$/B", "(N) SDN BHD", "(M SDN BHD", "CO, (M) BHD", "SDN i."). A name also ends at
"& Co." or "CO." ("EIGHT OUNCE COFFEE CO. THE GARDENS MALL"), which is no
registered form.
"""

from __future__ import annotations

import re

from nlp.fields.found import label
from nlp.fields.names import corrected_name

__all__ = ["CURLY_APOSTROPHE", "LEADING_JUNK", "LEGAL_FORM", "NAME_END", "name_part", "without_registration"]


_LEADING_LABEL = re.compile(r"^[^:\d]{2,20}:\s*(?=\S)")
# the registered legal forms (English, Malaysian, Italian, German) that end a company's name (the
# registration number printed after it is dropped)
_FORMS = (
    r"s\.?\s?r\.?\s?l\.?s?|s\.?\s?p\.?\s?a\.?|s\.?\s?n\.?\s?c\.?|s\.?\s?a\.?\s?s\.?|"
    r"s\.?\s?c\.?\s?a?\.?\s?r\.?\s?l\.?|s\.?\s?a\.?\s?p\.?\s?a\.?|soc\.?\s?coop\.?|"
    r"(co\.?\s?(\(\s?m\s?\)\s?)?)?(sdn\.?\s?)?bhd\.?|s\s?/\s?b|(co\.?\s?,?\s?)?ltd\.?|limited|"
    r"llc|l\.l\.c\.|llp|inc\.?|incorporated|corp\.?|corporation|gmbh(\s?&\s?co\.?\s?kg)?|plc"
)
LEGAL_FORM = label(rf"(?<![\w])({_FORMS})(?![\w])")
# where a company's name ends: its legal form, or "& Co." / "CO." (a style, not a registered form: it
# does not rank the row as the registered name); not "CO. REG. NO", ", CO." (Colorado), "and co."
_COMPANY_ABBREVIATION = r"&\s?(?-i:C[Oo])\.?|(?<!,\s)(?<!,)(?-i:C[Oo])\.(?!\s?(reg|no)\b)"
NAME_END = label(rf"(?<![\w])({_FORMS}|{_COMPANY_ABBREVIATION})(?![\w])")
# how OCR reads the Malaysian "SDN BHD" (Sendirian Berhad): "SON BHD", "SDN 3HD", "SDN BH0", "(M) BRD"
_MISREAD_BHD = re.compile(r"(?<![\w])(?P<sdn>S[O0U]N|SDN)?(?P<sep>\.?\s?)(?:[B38]H[D0O]|BH0|BHO|BRD)(?![\w])")
# after "SDN" the word can only be "BHD", however OCR read it: "SDN BID", "SDN BILD", "SDN 8HD", "SDN HD",
# "SON. GHD.", "Sdn.Ehd", "Sdn Bnd" (its B lost or read as G or E)
_MISREAD_SDN_BHD = re.compile(
    r"(?<![\w])(?P<sdn>S[DO0I1lU]N|Sdn)(?P<sep>\.?\s?)(?:[B38][A-Za-z0-9]{1,3}|(?<=[\s.])(?:[GE][A-Za-z0-9]{1,2}|H[DO0]))(?![\w])"
)
# "SDN" ending the row with a speck or a letter or two after it, where "BHD" was printed: "SDN i."
_SDN_BHD_LOST = re.compile(r"(?<![\w])(?P<sdn>SDN|Sdn)(?P<sep>\.?\s)[^\s\w]?[A-Za-z]{0,2}[^\s\w]?\s*$")
# before "BHD" a word of three letters starting "Sd" can only be "SDN": "Sda. Bhd."
_MISREAD_SDN = re.compile(r"(?<![\w])S[dD][A-Za-z0-9](?=\.?\s?B[Hh][Dd](?![\w]))")
# "(M)" (Malaysia) before "SDN BHD", its M read as another letter or digit: "(N)", "(4)"
_MISREAD_COUNTRY = re.compile(r"\(\s?[A-LN-Z0-9]\s?\)(?=\s?SDN\.?\s?BHD)")
# "COSWAY (M SDN BHD": the parenthesis of the country code closed where OCR lost it
_UNCLOSED_COUNTRY = re.compile(r"\((?P<code>[A-Z]{1,3})(?=\s(?:SDN|BHD)(?![\w]))")
# "AEON CO, (M) BHD": "CO." before a legal form, its dot read as a comma
_CO_COMMA = re.compile(r"(?<![\w])(CO),(?=\s?(?:\(\s?[A-Z]{1,3}\s?\)\s?)?(?:SDN|BHD|LTD|LIMITED)(?![\w]))")
# "(KL )SDN BHD": the space OCR put inside the parenthesis belongs after it
_MOVED_SPACE = re.compile(r"\s+\)(?=\w)")
_STRAY_QUOTE = re.compile(r"(?<![\w])[\"'“”‘’`](?=(?:SDN|BHD|S/B)(?![\w]))")  # "(KL) 'SDN BHD"
# a logo or a rule read as a symbol or a lone accented letter before the name: "| UNIHAKKA", "È = SYARIKAT"
LEADING_JUNK = re.compile(r"^(?:(?:[^\w\s(&]+|[^\x00-\x7f])\s+)+")
# "S/B" (Sendirian Berhad) read as "5/B", "$/B"
_MISREAD_SB = re.compile(r"(?<![\w])[S5$]\s?/\s?[B8R](?![\w])")
_MISREAD_C = re.compile(r"(?<![\w])€(?=\s?[A-Za-z])")  # a capital C read as the euro sign: "€ W KHOO"
# "#000002 BAIFU (M) Sdn Bhd": a till's counter printed before the name
_COUNTER = re.compile(r"^#\d+\s+(?=[^\W\d_])")
CURLY_APOSTROPHE = str.maketrans("‘’`´", "''''")
_INNER_REGISTRATION = re.compile(r"\(\s?\d{4,}[\dA-Z\-\s]*\)")  # "(621273-W)" inside the row
_OWN_REGISTRATION = re.compile(r"\s*\(\s?\d{4,}\s?-?\s?[A-Z]?\s?\)\s*$")  # "(308282-A)" ending the row
# a registration number ending the row: digits (dashes, spaces) and at most one letter, "(139386 X)",
# "002693074-K" ("OCEAN 1 PACKAGING ENTERPRISE" ends in no number)
_REGISTRATION = re.compile(r"[\s,]*\(?\s?\d[\d\-\s]{3,}(?:[A-Z]\b)?\s?\)?\s*$")


def name_part(text: str) -> str:
    """The row up to the end of its last legal form, or without a trailing registration number."""
    text = corrected_name(_LEADING_LABEL.sub("", _COUNTER.sub("", text)))  # "Ragione sociale:", "#000002"
    text = _MISREAD_SDN.sub(lambda m: "SDN" if m[0][1:].isupper() else "Sdn", text)
    text = _SDN_BHD_LOST.sub(_sdn_bhd, _MISREAD_SDN_BHD.sub(_sdn_bhd, text))
    text = _MISREAD_BHD.sub(lambda m: ("SDN" if m["sdn"] else "") + m["sep"] + "BHD", text)
    text = _MISREAD_SB.sub("S/B", _MISREAD_C.sub("C", text)).translate(CURLY_APOSTROPHE)
    text = _MISREAD_COUNTRY.sub("(M)", _STRAY_QUOTE.sub("", LEADING_JUNK.sub("", text)))
    text = _CO_COMMA.sub(r"\1.", _UNCLOSED_COUNTRY.sub(r"(\g<code>)", text))
    text = _MOVED_SPACE.sub(") ", text)
    ends = [m.end() for m in NAME_END.finditer(text)]
    if ends:  # a registration number printed before the legal form is not part of the name either
        return " ".join(_INNER_REGISTRATION.sub(" ", text[: ends[-1]]).strip(" ,;:").split())
    return _REGISTRATION.sub("", text).strip(" ,;:") or text


def _sdn_bhd(match: re.Match[str]) -> str:
    """ "SDN BHD" in the case it was printed in ("Sdn Bhd" after "Sdn")."""
    if match["sdn"].isupper():
        return f"SDN{match['sep']}BHD"
    return f"Sdn{match['sep']}Bhd"


def without_registration(text: str) -> str:
    """The row without a registration number in parentheses ending it: "BEST DENKI MALAYSIA (308282-A)"."""
    return _OWN_REGISTRATION.sub("", text) or text
