"""The customer registry: who the company's customers are, and how to recognise them.

A customer has a name, codes (the company's own customer numbers), a VAT id, e-mail
addresses and aliases (other spellings, brands). `import_csv` reads the file that
`faldone customers import` takes::

    name,code,vat_id,emails,aliases
    Rossi Impianti S.r.l.,C-0042;R42,IT01234567897,info@rossi.it;@rossi-impianti.it,Rossi Impianti

Lists inside a cell are separated by ";". A row whose name exists already replaces
it. An e-mail entry that starts with "@" stands for the whole domain. Columns named
"codes"/"id", "vat" and "email" are read as "code", "vat_id" and "emails"; others
are ignored.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from core.catalog import Catalog
from core.errors import CoreError
from core.models import CustomerRow

__all__ = [
    "CSV_HEADER",
    "CustomerImportError",
    "CustomerRecord",
    "import_csv",
    "load_customers",
    "normalise_vat",
    "read_csv",
]

CSV_HEADER = ("name", "code", "vat_id", "emails", "aliases")


class CustomerImportError(CoreError):
    """The CSV file cannot be imported (missing header, empty name...)."""


@dataclass(frozen=True)
class CustomerRecord:
    """A customer as NLP sees it (plain, hashable data)."""

    name: str
    codes: tuple[str, ...] = ()
    vat_id: str = ""
    emails: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


def normalise_vat(value: str) -> str:
    """ "IT 0123-4567 897" -> "IT01234567897"; eleven bare digits get the Italian prefix."""
    compact = re.sub(r"[\s.\-/]", "", value).upper()
    return f"IT{compact}" if re.fullmatch(r"\d{11}", compact) else compact


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split(";") if part.strip())


def read_csv(path: Path) -> list[CustomerRecord]:
    """Customers of a CSV file with the `CSV_HEADER` columns (extra columns are ignored)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(h.strip().lower() for h in reader.fieldnames or ())
        if "name" not in header:
            raise CustomerImportError(f"{path}: the header must have the columns {','.join(CSV_HEADER)}")
        records = []
        for line, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
            name = row.get("name", "").strip()
            if not name:
                raise CustomerImportError(f"{path}:{line}: empty name")
            records.append(
                CustomerRecord(
                    name=name,
                    codes=_split(row.get("code") or row.get("codes") or row.get("id")),
                    vat_id=normalise_vat(row.get("vat_id") or row.get("vat") or ""),
                    emails=tuple(e.lower() for e in _split(row.get("emails") or row.get("email"))),
                    aliases=_split(row.get("aliases")),
                )
            )
        return records


def import_csv(catalog: Catalog, path: Path) -> int:
    """Insert or replace (by name) the customers of a CSV file; returns how many rows were read."""
    records = read_csv(path)
    with catalog.session() as session, session.begin():
        existing = {row.name: row for row in session.scalars(select(CustomerRow))}
        for record in records:
            row = existing.get(record.name) or CustomerRow(name=record.name)
            row.codes = list(record.codes)
            row.vat_id = record.vat_id
            row.emails = list(record.emails)
            row.aliases = list(record.aliases)
            session.add(row)
            existing[record.name] = row
    return len(records)


def load_customers(catalog: Catalog) -> list[CustomerRecord]:
    """Every customer of the registry, by name."""
    with catalog.session() as session:
        rows = session.scalars(select(CustomerRow).order_by(CustomerRow.name))
        return [
            CustomerRecord(
                name=row.name,
                codes=tuple(row.codes or ()),
                vat_id=row.vat_id or "",
                emails=tuple(row.emails or ()),
                aliases=tuple(row.aliases or ()),
            )
            for row in rows
        ]
