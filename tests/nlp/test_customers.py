"""The customer registry: CSV import into the catalog, and linking through name, alias, e-mail and VAT id."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.catalog import Catalog
from core.customers import CustomerImportError, CustomerRecord, import_csv, load_customers
from core.document import Document, EmailHeaders, Page
from core.settings import Settings
from nlp.annotate import Annotator
from nlp.customers import CustomerMatcher
from tests.nlp._codes import partita_iva

CSV = """name,code,vat_id,emails,aliases
Società Rossi Impianti S.r.l.,CLI-0042;R42,{vat},info@rossi-impianti.it;@rossi.example,Rossi Impianti;RI Group
Acme Trading Ltd,ACM-7,,orders@acme.example,Acme
"""


@pytest.fixture
def catalog(settings: Settings) -> Catalog:
    return Catalog(settings.resolved_catalog_url)


def _write_csv(tmp_path: Path, vat: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(CSV.format(vat=vat), encoding="utf-8")
    return path


def _doc(doc_id: str, text: str, *, sender: str = "", to: list[str] | None = None) -> Document:
    return Document(
        id=doc_id,
        sha256=doc_id * 8,
        filename=f"{doc_id}.eml",
        mime_type="message/rfc822",
        size=len(text),
        source="test",
        root_id=doc_id,
        pages=[Page(number=1, text=text)],
        email=EmailHeaders(sender=sender, to=to or [], subject="") if sender or to else None,
    )


def test_import_and_reimport(tmp_path: Path, catalog: Catalog) -> None:
    vat = partita_iva()
    path = _write_csv(tmp_path, vat)
    assert import_csv(catalog, path) == 2
    assert import_csv(catalog, path) == 2  # same names: replaced, not duplicated
    customers = load_customers(catalog)
    assert [c.name for c in customers] == ["Acme Trading Ltd", "Società Rossi Impianti S.r.l."]
    rossi = customers[1]
    assert rossi.codes == ("CLI-0042", "R42")
    assert rossi.vat_id == f"IT{vat}"
    assert rossi.emails == ("info@rossi-impianti.it", "@rossi.example")
    assert rossi.aliases == ("Rossi Impianti", "RI Group")


def test_import_rejects_a_file_without_names(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("ragione,piva\nRossi,123\n", encoding="utf-8")
    with pytest.raises(CustomerImportError):
        import_csv(catalog, path)


def test_linking_through_name_alias_email_and_vat(tmp_path: Path, catalog: Catalog) -> None:
    vat = partita_iva()
    import_csv(catalog, _write_csv(tmp_path, vat))
    annotator = Annotator(english_ner=False, customers=lambda: load_customers(catalog))
    docs = [
        _doc("name", "Spett.le SOCIETA ROSSI IMPIANTI S.R.L., vi inviamo il preventivo richiesto."),
        _doc("alias", "Abbiamo sentito quelli di Rossi Impianti per il sopralluogo di martedì."),
        _doc("code", "Riferimento cliente: CLI-0042. Nessun altro dettaglio."),
        _doc("sender", "Buongiorno, allego il documento.", sender="Mario Bianchi <mario@rossi.example>"),
        _doc("to", "Please confirm the order.", to=["orders@acme.example"]),
        _doc("text-email", "Write to info@rossi-impianti.it for the details."),
        _doc("vat", f"Fornitore: ditta individuale, P.IVA {vat}, via Roma 1."),
        _doc("none", "Rossini e Acmeccanica non sono clienti; nemmeno Rossi da solo."),
        _doc("both", "Acme ha scritto a Rossi Impianti ieri."),
    ]
    annotator.annotate(docs)
    found = {doc.id: doc.annotations.customers for doc in docs}
    rossi, acme = "Società Rossi Impianti S.r.l.", "Acme Trading Ltd"
    assert found == {
        "name": [rossi],
        "alias": [rossi],
        "code": [rossi],
        "sender": [rossi],
        "to": [acme],
        "text-email": [rossi],
        "vat": [rossi],
        "none": [],
        "both": [acme, rossi],  # registry order
    }


def test_default_annotator_needs_no_registry() -> None:
    doc = _doc("x", "Rossi Impianti S.r.l. ci ha scritto.")
    Annotator(english_ner=False).annotate([doc])
    assert doc.annotations.customers == []


def test_matcher_ignores_too_short_terms() -> None:
    matcher = CustomerMatcher([CustomerRecord(name="AB", aliases=("X",))])
    assert matcher.match("AB e X sono ovunque") == []
