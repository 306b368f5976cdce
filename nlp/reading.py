"""How the classifier reads a document: artefacts masked, formulas set aside, the telling sentences kept.

Real letters open with "Dear Sir" / "Gentile cliente", close with "Thank you for your
attention" / "Cordiali saluti" and a signature, and tell their story in between. Three
things follow from that:

- `mask_artefacts` removes redaction marks (`XXXX`, `XX/XX/XXXX`, `{$12.00}`) and bare
  URLs and handles, so that a model cannot learn the data source instead of the speech act;
- `content_sentences` drops greetings, polite closings and signature lines, so that
  "thank you for your help" does not make a complaint positive;
- `reading_text` picks what the sentence encoder sees of a long document: its opening
  sentences plus the sentences of the whole text that carry the most complaint or
  negative cues (cheap regular expressions), within a fixed character budget. A
  letter is read whole, and the encoder's cost stays flat however long it is.
"""

from __future__ import annotations

import re

__all__ = [
    "MAX_CHARS",
    "content_sentences",
    "is_formula",
    "mask_artefacts",
    "reading_text",
    "sentences",
]

MAX_CHARS = 700  # what the encoder reads (its cost grows with it; see bench/README.md)
_OPENING = 3  # sentences kept from the start, whatever they say
_SCAN_CHARS = 60_000  # sentences beyond this are not looked at

_REDACTION = re.compile(r"\{\$[\d,.]+\}|\b[X]{2,}(?:[/-][X]{2,})*\b|\bX{2}/X{2}\b")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<!\w)@\w{2,}")
_SPACES = re.compile(r"[ \t]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+|\f")
_QUOTED = re.compile(r"^\s*>")

# Greetings, polite closings and signature lines, Italian and English: general letter
# conventions, not phrases taken from any data set.
_GREETING = re.compile(
    r"^(?:dear|hi|hello|good (?:morning|afternoon|evening)|to whom it may concern|"
    r"gentil[ei]ssim[oaie]|gentil[ei]|"
    r"egregi[oa]|spettabile|spett\.?(?:le)?|caro|cara|cari|buongiorno|buonasera|salve|ciao)\b",
    re.IGNORECASE,
)
_GREETING_MAX = 60  # "Dear Sir, I am writing to complain..." on one line is content, not a greeting
_CLOSING = re.compile(
    r"^(?:"
    r"(?:(?:kind|best|warm)\s+regards|regards|sincerely|yours (?:sincerely|faithfully|truly)|"
    r"best wishes|cheers|many thanks|thanks(?: again| in advance)?|thank you(?: (?:very much|in advance|for "
    r"(?:your|the) (?:attention|time|help|assistance|consideration|cooperation|understanding)))?)"
    r"|(?:cordiali saluti|distinti saluti|cordialmente|saluti|un saluto|grazie(?: mille| in anticipo| per "
    r"(?:l'attenzione|l'aiuto|la (?:cortese )?attenzione|la collaborazione|la disponibilità))?|in attesa di "
    r"(?:un )?(?:vostro |cortese )?riscontro|resto in attesa|rimango in attesa|certo di un (?:vostro )?"
    r"(?:cortese )?riscontro|ringrazio(?: anticipatamente)?|ringraziando(?: anticipatamente)?)"
    r")[\s,.!]*(?:(?:e |and )?(?:distinti |cordiali )?saluti[\s,.!]*)?$"
    r"|^(?:sent from my|inviato da)\b|^(?:--|__+)\s*$",
    re.IGNORECASE,
)
_THANKS = re.compile(r"^(?:many thanks|thanks|thank you|grazie|ringrazi\w*|vi ringrazio)\b", re.IGNORECASE)
_GRIEVANCE = re.compile(r"\b(?:not|never|nothing|no|non|mai|niente|nulla|nessun\w*)\b|n't\b", re.IGNORECASE)
_THANKS_MAX = 120  # a polite closing is one short sentence
_SIGNATURE = re.compile(r"^[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}[,.]?$")

# Cheap cues of a grievance or a negative turn, used only to choose sentences for the encoder.
_TELLING = re.compile(
    r"\b(?:not|never|no|n't|still|again|wrong|error|fail\w*|refus\w*|denied|declin\w*|charg\w*|fee|refund\w*|"
    r"complain\w*|dispute\w*|unacceptabl\w*|late|delay\w*|broken|damag\w*|problem\w*|issue\w*|"
    r"non|mai|ancora|errat\w*|sbagliat\w*|rifiut\w*|addebit\w*|rimbors\w*|reclam\w*|contest\w*|ritard\w*|"
    r"rott\w*|dannegg\w*|problem\w*|guast\w*|pessim\w*|delus\w*|sconsigli\w*|vergogn\w*)\b",
    re.IGNORECASE,
)


def mask_artefacts(text: str) -> str:
    """The text without redaction marks, URLs and @handles (which say where a text comes from)."""
    text = _REDACTION.sub(" ", text)
    text = _URL.sub(" ", text)
    return _HANDLE.sub(" ", text)


def sentences(text: str) -> list[str]:
    """Non-empty sentences and lines of `text`, spaces collapsed, quoted (`>`) lines left out."""
    out = []
    for part in _SENTENCE_END.split(text[:_SCAN_CHARS]):
        if _QUOTED.match(part):
            continue
        part = _SPACES.sub(" ", part).strip()
        if part:
            out.append(part)
    return out


def is_formula(sentence: str) -> bool:
    """A greeting, a polite closing or a signature line (a name on its own)."""
    stripped = sentence.strip()
    if _CLOSING.match(stripped) or (len(stripped) <= _GREETING_MAX and _GREETING.match(stripped)):
        return True
    if len(stripped) <= _THANKS_MAX and _THANKS.match(stripped) and not _GRIEVANCE.search(stripped):
        return True  # "Thank you so much for your attention and your kind help."
    return len(stripped) <= 40 and bool(_SIGNATURE.match(stripped))


def content_sentences(text: str) -> list[str]:
    """The sentences of `text` (artefacts masked) that are not formulas.

    A message made of formulas only (a thank-you note) keeps them: there they are the content.
    """
    every = sentences(mask_artefacts(text))
    content = [s for s in every if not is_formula(s)]
    return content if content else every


def _telling(sentence: str) -> int:
    return len(_TELLING.findall(sentence))


def reading_text(text: str, subject: str = "", max_chars: int = MAX_CHARS) -> str:
    """What the encoder reads: subject, opening sentences and the most telling ones, in text order."""
    parts = content_sentences(text)
    head = [subject.strip()] if subject.strip() else []
    budget = max_chars - sum(len(h) + 1 for h in head)
    chosen: set[int] = set()
    size = 0
    ranked = list(range(min(_OPENING, len(parts))))
    ranked += sorted(
        range(_OPENING, len(parts)), key=lambda i: (-_telling(parts[i]), i)
    )  # then the rest, in order
    for i in ranked:
        if size + len(parts[i]) + 1 > budget:
            continue  # too long for what is left: a shorter telling sentence may still fit
        chosen.add(i)
        size += len(parts[i]) + 1
    body = " ".join(parts[i] for i in sorted(chosen))
    return " ".join([*head, body]).strip()[:max_chars]
