"""The supplier: the company's name printed at the top of the page.

No label names it, so the rules look for the row that reads like one: a row
with a company suffix or legal form among the first rows ("SDN BHD", "S.R.L.",
"TRADING"), the owner's name under a shop's sign excepted (printed after the
shop's address, or after "Owned By"); with none, the name in capitals right
above the registration row ("(81109-A)", "Co. Reg. No", "GST ID") when no
address is printed above it; else the first name-like row, with a lower
confidence. A name printed on two or three rows is joined ("AIK HUAT HARDWARE" /
"ENTERPRISE (SETIA" / "ALAM) SDN BHD"; two name rows over the registration
number), and a word of it that OCR misread is put right from the same word
printed twice elsewhere; a word OCR broke into pieces ("GARDENI A") is joined when
printed whole elsewhere on the page (not in a web address). A row of more than ten
words is a sentence, not a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.fields.found import Found, label, letter_share
from nlp.fields.layout import Box, Row
from nlp.fields.legal_form import (
    CURLY_APOSTROPHE,
    LEADING_JUNK,
    LEGAL_FORM,
    NAME_END,
    name_part,
    without_registration,
)
from nlp.fields.names import l_for_bracket, one_letter_apart

__all__ = ["supplier_of"]


_WORD = re.compile(r"[^\W\d_]+")
_COUNTRY = re.compile(r"\(\s?[A-Z]{1,3}\s?\)")
_COMPANY_SUFFIX = label(
    r"\b(s\.?\s?r\.?\s?l\.?s?|s\.?\s?p\.?\s?a\.?|s\.?\s?n\.?\s?c\.?|s\.?\s?a\.?\s?s\.?|sdn\.?\s?bhd\.?|bhd\.?|"
    r"s/b|ltd\.?|limited|llc|inc\.?|gmbh|plc|(?<!,\s)(?<!,)(?-i:C[Oo])\.|corp\.?|enterprise|trading|restaurant|restoran|"
    r"ristorante|cafe|caff[eè]|bakeries|hardware|stationery|store|mart|shop|kedai|farmacia|pharmacy|"
    r"supermarket|market|holdings|company|industries|services|servizi|group|gruppo)(?!\w)"
)  # "(?!\w)", not "\b": "CO." is followed by a space
# the shop's owner, printed under the shop's own name: the shop is the supplier the receipt names
_OWNED_BY = label(
    r"\b(owned\s?by|operated\s?by|managed\s?by|a\s?division\s?of|di\s?propriet[aà]\s?di|gestito\s?da)\b"
)
_DANGLING = re.compile(r"(?:&|\band)\s*$", re.IGNORECASE)  # a name cut at the end of a row
_ADDRESS = label(
    r"\b(taman|lot|no\.?\s?\d+|jln|flr|floor|level|lorong|blok|block|km|\d{5}|kawasan|perindustrian|"
    r"industrial|bandar|seksyen|section|persiaran|kampung|zona\s?industriale|localit[aà]|frazione)\b"
)
_NOT_SUPPLIER = label(
    r"\b(tax\s?invoice|invoice|receipt|ricevuta|fattura|scontrino|cash\s?bill|simplified|official|"
    r"documento\s?commerciale|welcome|benvenuti|tel|fax|phone|telefono|gst|vat|p\.?\s?iva|www\.|http|"
    r"@|date|data|jalan|via|viale|piazza|road|street|copy|original|shopping|thank\s?you|grazie|goods\s?sold|"
    r"returnable|refund|exchange|"
    r"reg(istration)?\.?\s?no|co\.?\s?reg|company\s?(no|reg\w*)|cashier|counter|operator|table|cash\s?sale)\b|\bno\s?[.:]|\.com\b(?!\s?(sdn|bhd|ltd|inc|llc|limited|gmbh|plc|s\.?r\.?l|s\.?p\.?a)\b)|\.it\b|#"
)


def supplier_of(rows: Sequence[Row], minimum: float) -> Found | None:
    """The supplier's name (`_name_at_top`), its words checked against the rest of the page.

    None when the name found has a confidence below `minimum`.
    """
    found = _name_at_top(rows, minimum)
    if found is None or found.confidence < minimum:
        return None
    value = _reconciled(found.value, rows)
    return Found(found.name, value, found.text, found.confidence, found.box)


# letters OCR takes for one another (a shop's name is often printed again lower on the page)
_CONFUSABLE = {frozenset(pair) for pair in ("ou", "oc", "oa", "ce", "ea", "il", "lt", "hm", "hn", "mn")} | {
    frozenset(pair) for pair in ("bh", "rk", "uv", "vy", "bd", "ht", "ij", "gq", "ao", "ec")
}


def _reconciled(name: str, rows: Sequence[Row]) -> str:
    """`name` with a word OCR misread put right from the same word printed (read) at least twice elsewhere.

    "SANYO STATIONERY SHOP" over "SANYU SUPPLY SDN BHD" and "Facebook: Sanyu.Stationery":
    a word of four letters or more is replaced by a variant that differs from it in one
    letter of a confusable pair (o/u, i/l, h/m...) and occurs more often on the page.
    """
    counts: dict[str, int] = {}
    for row in rows:
        for word in _WORD.findall(row.text.casefold()):
            counts[word] = counts.get(word, 0) + 1

    repeated: dict[int, list[tuple[str, int]]] = {}  # by length, in the order of `counts`
    for variant, count in counts.items():
        if count >= 2:
            repeated.setdefault(len(variant), []).append((variant, count))

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        folded = word.casefold()
        if len(word) < 4:
            return word
        best, seen = word, counts.get(folded, 0)
        for variant, count in repeated.get(len(folded), []):
            if count <= seen:
                continue
            if one_letter_apart(folded, variant) in _CONFUSABLE:
                best, seen = (variant.upper() if word.isupper() else variant), count
        return best

    return _WORD.sub(fix, _rejoined(name, rows))


_WEB_ADDRESS = re.compile(r"@|www|https?:|\.(com|net|org|my|it)\b", re.IGNORECASE)


def _rejoined(name: str, rows: Sequence[Row]) -> str:
    """`name` with a word OCR broke into pieces, one of them a letter or two ("GARDENI A"), joined back
    when the whole word is printed (read) elsewhere on the page ("The recipient of Gardenia's products").

    Not from web and mail addresses, which run a name's words together ("BANH MI CAFE", "banhmicafe.com").
    """
    counts: dict[str, int] = {}
    for row in rows:
        for token in row.text.split():
            if not _WEB_ADDRESS.search(token):
                for word in _WORD.findall(token.casefold()):
                    counts[word] = counts.get(word, 0) + 1
    words = name.split(" ")
    out: list[str] = []
    index = 0
    while index < len(words):
        for end in range(min(len(words), index + 4), index + 1, -1):
            pieces = words[index:end]
            whole = "".join(pieces)
            if (
                all(piece.isalpha() for piece in pieces)
                and any(len(piece) <= 2 for piece in pieces)
                and len(whole) >= 5
                and counts.get(whole.casefold(), 0) >= 1
            ):
                out.append(whole)
                index = end
                break
        else:
            out.append(words[index])
            index += 1
    return " ".join(out)


def _name_at_top(rows: Sequence[Row], minimum: float = 0.0) -> Found | None:
    """The name at the top: a row with a company suffix among the first rows, else the first name-like row.

    The name ends at its legal form ("SDN BHD", "S.R.L."): the registration
    number printed after it is not part of it. A name printed on two or three rows
    ("POPULAR BOOK" over "CO. (M) SDN BHD") is joined when the lower row cannot be a
    whole name (`_continues`), and a name goes on the row below it when that row
    starts with a word that ends names or the registration number is printed under it
    (`_name_with_rest`). The first name-like row is not looked for when its confidence
    would be below `minimum`.
    """
    first_page = [r for r in rows if r.page == rows[0].page][:12] if rows else []
    parts = [(position, row, name_part(row.text)) for position, row in enumerate(first_page[:8])]
    named = [
        (position, row, text)
        for position, row, text in parts
        if (_COMPANY_SUFFIX.search(text) or LEGAL_FORM.search(text))
        and len(text.split()) <= _LONGEST_NAME  # a sentence that names a company is no name
        and letter_share(text) >= 0.6
        and not _NOT_SUPPLIER.search(text)
        and not _owner(first_page, position)
        and (not _continues(text) or (position > 0 and _is_name(_unmarked(first_page[position - 1].text))))
    ]
    # the registered name (with its legal form) before a shop sign ("... CAFE") above it
    # ... unless an address is printed between them: the company printed after the shop's address
    # and contacts is its owner or operator ("Owned By" unread)
    address = next((p for p, r in enumerate(first_page[:8]) if _ADDRESS.search(r.text)), len(first_page))
    head = bool(named) and named[0][0] < address
    named.sort(key=lambda found: (head and found[0] >= address, LEGAL_FORM.search(found[2]) is None))
    if named:
        position, row, text = named[0]
        start, joined = _started_above(first_page, position, text)
        if start < position:
            box = row.box(0, len(text))
            for above in first_page[start:position]:
                box = _union(box, above.box(0, len(above.text)))
            return Found("supplier", joined, joined, 0.7, box)
        return _name_with_rest(first_page, position, text, 0.8)
    if minimum > _GUESSED:
        return None
    anchored = _above_registration(first_page)
    if anchored is not None:
        return _name_with_rest(first_page, anchored, name_part(first_page[anchored].text), _GUESSED)
    for position, row in enumerate(first_page[:5]):
        name = LEADING_JUNK.sub("", row.text).translate(CURLY_APOSTROPHE)
        words = sum(sum(ch.isalpha() for ch in word) >= 4 for word in name.split())
        if name != row.text.translate(CURLY_APOSTROPHE) and words < 2:
            continue  # a logo read as symbols and letters ("| ugar î"), not a name after a speck
        name = l_for_bracket(without_registration(name))  # "BEST DENKI MALAYSIA (308282-A)", "BHPetro]"
        if _is_name(name) and not _ADDRESS.search(name):
            return _name_with_rest(first_page, position, name, _GUESSED)
    return None


_LONGEST_NAME = 10  # words
_GUESSED = 0.4  # the first name-like row (less when the next row is joined to it)
# the row printing the company's registration or tax number, under its name: "(81109-A)",
# "COMPANY NO: 499702-V", "Co. Reg. No.", "GST ID", "P.IVA", "VAT No"
_REGISTRATION_ROW = label(
    r"^\W*\(?\s?\d{4,}\s?-?\s?[A-Z]\s?\)?\W*$|\b(co(mpany|mpary)?\.?\s?(reg\w*\.?\s?)?no|roc\s?no|"
    r"gst\s?(id|reg\w*|no)|p\.?\s?iva|vat\s?(no|reg\w*|id))\b"
)


def _above_registration(rows: Sequence[Row]) -> int | None:
    """The name in capitals right above the first registration row of the top rows, when no address is
    printed above it (a logo read as letters above the name is no name; a row after the address is the
    country or an operator)."""
    for position, row in enumerate(rows[1:8], start=1):
        if _REGISTRATION_ROW.search(row.text):
            above = LEADING_JUNK.sub("", rows[position - 1].text)
            if (
                _is_name(above)
                and _capitals(above) >= 0.8
                and not any(_ADDRESS.search(r.text) for r in rows[:position])
            ):
                return position - 1
            return None
    return None


def _capitals(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) / max(1, len(letters))


def _started_above(rows: Sequence[Row], position: int, text: str) -> tuple[int, str]:
    """The first row of a name that ends on row `position` (`text`), and the name joined.

    A row that cannot be a whole name (`_continues`: "ALAM) SDN BHD", "ENTERPRISE (SETIA")
    goes on the name-like row above it, at most two rows up.
    """
    start = position
    while start > max(0, position - 2) and _continues(text) and _is_name(_unmarked(rows[start - 1].text)):
        start -= 1
        text = f"{_unmarked(rows[start].text)} {text}"
    return start, text


def _unmarked(text: str) -> str:
    """A row without a logo or bullet read as symbols before it: "* POPULAR BOOK" over "CO. (M) SDN BHD"."""
    return LEADING_JUNK.sub("", text)


def _name_with_rest(rows: Sequence[Row], position: int, text: str, confidence: float) -> Found:
    """The name on row `position`, and the next row's when the name goes on there: it ends in '&' or
    'AND' (cut by the paper) or the next row starts with a word that ends names ("TRADING")."""
    row = rows[position]
    below = rows[position + 1] if position + 1 < len(rows) else None
    registration_next = position + 2 < len(rows) and _REGISTRATION_ROW.search(rows[position + 2].text)
    if (
        below is not None
        and (
            _DANGLING.search(text)
            or _NAME_ENDING_WORD.match(below.text)
            or (registration_next and not LEGAL_FORM.search(text) and _capitals(below.text) >= 0.8)
        )
        and _is_name(below.text)
        and not _ADDRESS.search(below.text)
    ):
        rest = name_part(below.text)
        joined = f"{text} {rest}"
        return Found(
            "supplier",
            joined,
            joined,
            confidence - 0.1,
            _union(row.box(0, len(text)), below.box(0, len(rest))),
        )
    return Found("supplier", text, text, confidence, row.box(0, len(text)))


def _owner(rows: Sequence[Row], position: int) -> bool:
    """True when row `position` names the company that owns the shop ("Owned By :" on it or just above)."""
    if _OWNED_BY.search(rows[position].text):
        return True
    return position > 0 and bool(_OWNED_BY.search(rows[position - 1].text))


# words that end a company's name, not start it: a row starting with one goes on the name above it
_NAME_ENDING_WORD = label(
    r"\W*(enterprises?|trading|traders|holdings|industries|services|supplies|marketing|distribution|"
    r"corporation|company)\b(?!\s?(no|reg))"
)


def _continues(text: str) -> bool:
    """True when a row cannot be a whole name: only a legal form, it starts with '&' or '(' or with a
    word that ends names ("ENTERPRISE (SETIA"), or it closes a parenthesis it did not open."""
    rest = NAME_END.sub(" ", text)
    rest = _COUNTRY.sub(" ", rest)  # "(M)": the country of a Malaysian company
    unopened = text.find(")") >= 0 and (text.find("(") < 0 or text.find(")") < text.find("("))
    starts = text.lstrip().startswith(("&", "(")) or _NAME_ENDING_WORD.match(text) is not None
    return starts or unopened or not any(ch.isalnum() for ch in rest)


def _is_name(text: str) -> bool:
    """A row that can be a shop's name: mostly letters, a word of four or more, no stray symbols."""
    words = text.split()
    if len(text) < 3 or len(words) > 8:  # the cheap tests first: a long row is no name
        return False
    plain = sum(ch.isalnum() or ch in " &.,'-()/" for ch in text) / max(1, len(text))
    return (
        letter_share(text) >= 0.7
        and plain >= 0.95  # "| ugar î", "(TI AA": a logo read as text
        and any(sum(ch.isalpha() for ch in word) >= 4 for word in words)
        and not _NOT_SUPPLIER.search(text)
    )


def _union(a: Box | None, b: Box | None) -> Box | None:
    if a is None or b is None or a.page != b.page:
        return a or b
    x0, y0 = min(a.x, b.x), min(a.y, b.y)
    x1, y1 = max(a.x + a.w, b.x + b.w), max(a.y + a.h, b.y + b.h)
    return Box(a.page, x0, y0, x1 - x0, y1 - y0, a.page_width, a.page_height)
