"""REFERENCE: invoice, order, ticket, protocol, case and contract numbers, found by their cue.

"fattura n. 2024/118" -> "invoice:2024/118", "order #5512" -> "order:5512".
The span is the identifier alone; the cue decides the kind. An identifier must
hold a digit, and without a number marker ("n.", "nr", "no.", "#", "n°") it must
be at least three characters long, so "order 3 items" is not a reference.
"""

from __future__ import annotations

import re

from core.document import Entity
from nlp.entities._base import make_entity

__all__ = ["find_references"]

_KINDS: tuple[tuple[str, str], ...] = (
    ("invoice", r"fattura|fatture|fatt\.|ft\.|invoice|inv\.|nota di credito|credit note"),
    ("order", r"ordine|ordini|ord\.|order|purchase order|p\.o\."),
    ("ticket", r"ticket|segnalazione|richiesta|case"),
    ("protocol", r"protocollo|prot\.|protocol"),
    ("case", r"pratica|sinistro|claim|dossier"),
    ("contract", r"contratto|contract|polizza|policy"),
)
_MARKER = r"(?:numero|number|num\.?|n\.\s*ro|nro\.?|nr\.?|no\.?(?=[\s\d])|n°|nº|n\.|id\s*:?|ref\.?|#|:)"
_ID = r"[A-Za-z0-9](?:[A-Za-z0-9]|[-/._](?=[A-Za-z0-9]))*"
# "fattura semplificata n. 123", "fattura elettronica nr 7": a qualifier may sit between cue and number.
_QUALIFIER = r"(?:semplificata|elettronica|differita|immediata|proforma|pro-forma|accompagnatoria|d'acconto)"
# The cue and its identifier share a line: "FATTURA\n16121 GENOVA" is a heading above an address.
_REFERENCE = re.compile(
    r"(?<![\w.])(?P<cue>" + "|".join(f"(?P<{kind}>{cues})" for kind, cues in _KINDS) + r")"
    rf"(?:(?<=\.)|\b)(?:[ \t]+{_QUALIFIER}\b)?[ \t]*(?P<marker>{_MARKER}[ \t]*)?(?P<id>{_ID})",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")


def find_references(text: str) -> list[Entity]:
    """Every identifier that follows a reference cue in `text`."""
    found: list[Entity] = []
    for match in _REFERENCE.finditer(text):
        ident = match.group("id")
        if not _DIGIT.search(ident):
            continue
        if match.group("marker") is None and len(ident) < 3:
            continue
        kind = next(kind for kind, _ in _KINDS if match.group(kind))
        start, end = match.span("id")
        found.append(make_entity("REFERENCE", text, start, end, f"{kind}:{ident.upper()}"))
    return found
