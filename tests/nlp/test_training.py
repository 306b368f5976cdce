"""`faldone nlp train`: shipped data plus corrections -> new weights that the Annotator prefers."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from cli.nlp_commands import COMMANDS, register
from core.catalog import Catalog
from core.corrections import add_correction
from core.document import Document, Page
from core.settings import Settings
from nlp.annotate import Annotator
from nlp.classifier import SHIPPED_WEIGHTS, WEIGHTS_FILENAME, ClassifierWeights, load_weights
from nlp.training import examples_from_corrections, load_examples

# A back-office quirk only the user knows: these "service reports" are complaints.
REPORT = "Rapporto di intervento n. {n}: tecnico presente dalle 9 alle 11, lavori eseguiti come da verbale."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="faldone")
    register(parser.add_subparsers(dest="command", required=True))
    return parser


def _store_documents(catalog: Catalog, count: int) -> list[str]:
    from core.catalog import JobSpec

    ids = []
    for n in range(count):
        doc_id = f"report{n:02d}".ljust(32, "0")
        doc = Document(
            id=doc_id,
            sha256=doc_id * 2,
            filename=f"{n}.txt",
            mime_type="text/plain",
            size=10,
            source="test",
            root_id=doc_id,
            pages=[Page(number=1, text=REPORT.format(n=n))],
        )
        job_id, _ = catalog.enqueue(doc.sha256, doc.filename, "test")
        catalog.complete(JobSpec(job_id, doc.sha256, doc.filename, "test", "", 1), [doc], [], "text/plain")
        ids.append(doc_id)
    return ids


def test_shipped_data_set_is_balanced_and_split() -> None:
    rows = load_examples()
    assert len(rows) >= 600
    for language in ("it", "en"):
        for split in ("train", "test"):
            assert {r.category for r in rows if r.language == language and r.split == split} >= {
                "complaint",
                "invoice_payment",
                "other",
            }
    assert all(r.complaint == (r.category == "complaint") for r in rows)


@pytest.mark.slow
def test_train_from_data_and_corrections(settings: Settings) -> None:
    catalog = Catalog(settings.resolved_catalog_url)
    ids = _store_documents(catalog, 6)
    for doc_id in ids:
        add_correction(catalog, doc_id, "complaint", True, "quality")
    add_correction(catalog, ids[0], "category", "complaint", "quality")
    examples = examples_from_corrections(catalog)
    assert len(examples) == 6 and all(e.complaint == 1 and e.category == "complaint" for e in examples)
    catalog.close()

    models = settings.data_dir / "models"
    args = _parser().parse_args(["nlp", "train"])
    assert COMMANDS[args.command](settings, args) == 0
    path = models / WEIGHTS_FILENAME
    assert path.is_file()
    trained = ClassifierWeights.load(path)
    shipped = ClassifierWeights.load(SHIPPED_WEIGHTS)
    assert not np.allclose(trained.w_complaint, shipped.w_complaint)
    assert load_weights(models).w_complaint.tobytes() == trained.w_complaint.tobytes()

    # the retrained model is the one the Annotator uses, and it learned the user's lesson
    doc = Document(
        id="new",
        sha256="n" * 64,
        filename="n.txt",
        mime_type="text/plain",
        size=10,
        source="test",
        root_id="new",
        pages=[Page(number=1, text=REPORT.format(n=99))],
    )
    Annotator(english_ner=False).annotate([doc])
    before = doc.annotations.complaint_probability
    Annotator(english_ner=False, models_dir=models).annotate([doc])
    assert doc.annotations.complaint_probability > before


def test_customers_cli(settings: Settings, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text(
        "name,code,vat_id,emails,aliases\nAlfa S.p.A.,A1,,info@alfa.example,Alfa\n", encoding="utf-8"
    )
    parser = _parser()
    args = parser.parse_args(["customers", "import", str(csv)])
    assert COMMANDS[args.command](settings, args) == 0
    args = parser.parse_args(["customers", "list"])
    assert COMMANDS[args.command](settings, args) == 0
    args = parser.parse_args(["customers", "import", str(tmp_path / "missing.csv")])
    assert COMMANDS[args.command](settings, args) == 2
