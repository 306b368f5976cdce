"""Linking documents to the customer registry (`core.customers`).

A document mentions a customer when:

- its text or subject contains the customer's name, an alias or a code, as whole
  words, ignoring case, accents and punctuation: "Società Rossi, S.r.l." matches
  "SOCIETA ROSSI S.R.L." (but "S.r.l." is not "Srl": register such variants as
  aliases); where two registered terms overlap the longer one wins;
- the sender, a recipient or an address in the text is one of its e-mail addresses
  (an entry "@rossi.it" stands for the whole domain);
- one of its PARTITA_IVA entities is the customer's VAT id.

Names and aliases shorter than `MIN_NAME_CHARS` are ignored: "AB" would match
everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from core.customers import CustomerRecord, normalise_vat
from core.document import Entity

__all__ = ["MIN_NAME_CHARS", "CustomerMatcher", "fold", "matcher_for"]

MIN_NAME_CHARS = 3
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_MAX_CHARS = 200_000


def fold(text: str) -> str:
    """Lower case, no accents, every run of non-alphanumerics one space, padded with spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return f" {_NOT_ALNUM.sub(' ', ascii_text).strip()} "


class CustomerMatcher:
    """A gazetteer of the registry's names, aliases and codes, plus its e-mail and VAT indexes."""

    def __init__(self, customers: Iterable[CustomerRecord]) -> None:
        self._by_term: dict[str, set[str]] = {}
        self._by_email: dict[str, set[str]] = {}
        self._by_domain: dict[str, set[str]] = {}
        self._by_vat: dict[str, set[str]] = {}
        self._order: dict[str, int] = {}
        for position, customer in enumerate(customers):
            self._order.setdefault(customer.name, position)
            for term in (customer.name, *customer.aliases, *customer.codes):
                folded = fold(term).strip()
                if len(folded) >= MIN_NAME_CHARS:
                    self._by_term.setdefault(folded, set()).add(customer.name)
            for email in customer.emails:
                email = email.strip().lower()
                if email.startswith("@"):
                    self._by_domain.setdefault(email[1:], set()).add(customer.name)
                elif "@" in email:
                    self._by_email.setdefault(email, set()).add(customer.name)
            if customer.vat_id:
                self._by_vat.setdefault(normalise_vat(customer.vat_id), set()).add(customer.name)
        terms = sorted(self._by_term, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<= )(?:" + "|".join(re.escape(t) for t in terms) + r")(?= )") if terms else None
        )

    def __bool__(self) -> bool:
        return bool(self._order)

    def names_by_term(self) -> dict[str, str]:
        """Folded name, alias or code -> the one customer it names (ambiguous terms left out)."""
        return {term: next(iter(names)) for term, names in self._by_term.items() if len(names) == 1}

    def match(
        self, text: str, subject: str = "", addresses: Sequence[str] = (), entities: Sequence[Entity] = ()
    ) -> list[str]:
        """Names of the customers the document mentions, in registry order."""
        found: set[str] = set()
        if self._pattern is not None:
            folded = fold(f"{subject}\n{text[:_MAX_CHARS]}")
            # Overlapping mentions: search from every match start + 1 is overkill; names rarely nest.
            for match in self._pattern.finditer(folded):
                found |= self._by_term[match.group()]
        emails = [a.lower() for a in addresses] + [e.value for e in entities if e.label == "EMAIL"]
        for email in emails:
            address = _bare_address(email)
            found |= self._by_email.get(address, set())
            found |= self._by_domain.get(address.rpartition("@")[2], set())
        for entity in entities:
            if entity.label == "PARTITA_IVA":
                found |= self._by_vat.get(normalise_vat(entity.value), set())
        return sorted(found, key=lambda name: self._order.get(name, 0))


_ANGLE = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")


def _bare_address(value: str) -> str:
    """ "Mario Rossi <mario@rossi.it>" -> "mario@rossi.it"."""
    match = _ANGLE.search(value)
    return (match.group(1) if match else value).strip().strip("<>").lower()


@lru_cache(maxsize=4)
def matcher_for(customers: tuple[CustomerRecord, ...]) -> CustomerMatcher:
    """A matcher for this registry, built once per distinct registry."""
    return CustomerMatcher(customers)
