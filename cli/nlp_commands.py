"""The `faldone customers` and `faldone nlp` sub-commands.

    faldone customers import customers.csv   # name,code,vat_id,emails,aliases (";" inside cells)
    faldone customers list
    faldone nlp train [--include-test]       # shipped data + corrections -> <data_dir>/models/
    faldone nlp train-ner [--output DIR] [--max-steps N]  # Italian NER -> <data_dir>/models/ner_it
    faldone nlp embed                        # passages for search by meaning, where a document has none

`register(subparsers)` adds them to the main parser; `COMMANDS` maps each
command name to its handler `(settings, args) -> exit code`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from core.catalog import Catalog
from core.settings import Settings

__all__ = ["COMMANDS", "cmd_customers", "cmd_nlp", "register"]

console = Console()


def register(subparsers: Any) -> None:
    """Add the `customers` and `nlp` sub-commands to the `faldone` parser's subparsers."""
    customers = subparsers.add_parser("customers", help="the customer registry: import a CSV, list")
    customers.add_argument("action", choices=["import", "list"])
    customers.add_argument("file", nargs="?", help="CSV with the header name,code,vat_id,emails,aliases")
    nlp = subparsers.add_parser(
        "nlp", help="NLP models: retrain the classifier or the Italian NER from data and corrections"
    )
    nlp.add_argument("action", choices=["train", "train-ner", "embed"])
    nlp.add_argument(
        "--output",
        type=Path,
        help="train-ner: where to write the pipeline (default <data_dir>/models/ner_it, used by the worker)",
    )
    nlp.add_argument(
        "--max-steps",
        type=int,
        help="train-ner: training steps (default: the shipped config's, 2000)",
    )
    nlp.add_argument(
        "--include-test",
        action="store_true",
        help="train on the held-out test split too (no more honest bench)",
    )


def cmd_customers(settings: Settings, args: argparse.Namespace) -> int:
    from core.customers import CustomerImportError, import_csv, load_customers

    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        if args.action == "import":
            if not args.file:
                console.print("[red]faldone customers import FILE.csv[/red]")
                return 2
            path = Path(args.file)
            if not path.is_file():
                console.print(f"[red]Not found / non trovato: {path}[/red]")
                return 2
            try:
                count = import_csv(catalog, path)
            except (CustomerImportError, UnicodeDecodeError) as err:
                console.print(f"[red]{err}[/red]")
                return 2
            console.print(f"{count} customers imported / clienti importati")
            console.print("Documents already indexed are linked when reprocessed (`faldone jobs reprocess`).")
            return 0
        table = Table("name", "codes", "VAT", "e-mails", "aliases")
        for customer in load_customers(catalog):
            table.add_row(
                customer.name,
                "; ".join(customer.codes),
                customer.vat_id,
                "; ".join(customer.emails),
                "; ".join(customer.aliases),
            )
        console.print(table)
        return 0
    finally:
        catalog.close()


def cmd_nlp(settings: Settings, args: argparse.Namespace) -> int:
    from nlp.training import train_and_save

    settings.ensure_dirs()
    if args.action == "train-ner":
        return _train_ner(settings, args.output, args.max_steps)
    if args.action == "embed":
        return _embed_missing(settings)
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        with console.status("Training / addestramento…"):
            path = train_and_save(settings.data_dir / "models", catalog, include_test=args.include_test)
    finally:
        catalog.close()
    console.print(f"weights written to {path}; the worker uses them from its next batch")
    return 0


def _train_ner(settings: Settings, output: Path | None, max_steps: int | None = None) -> int:
    from nlp.entities.italian_ner import RETRAINED_DIRNAME
    from nlp.ner_train import train_italian_ner

    target = output or settings.data_dir / "models" / RETRAINED_DIRNAME
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        console.print("Training the Italian NER / addestramento del riconoscitore di nomi italiano…")
        path = train_italian_ner(target, catalog, max_steps=max_steps)
    finally:
        catalog.close()
    console.print(f"Italian NER written to {path}; the worker uses it from its next start")
    return 0


def _embed_missing(settings: Settings) -> int:
    """Embed the passages of catalogued documents that have none (ingested before search by
    meaning, or with it turned off) and store them with the document; `faldone reindex`
    then puts them in the index. Only the passages of each stored document are written."""
    from dataclasses import asdict

    from rich.progress import Progress

    from core.models import DocumentRow
    from nlp.passages import embed_passages

    catalog = Catalog(settings.resolved_catalog_url)
    done = embedded = documents = 0
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("Passages / passaggi", total=catalog.count_documents())
            for batch in catalog.iter_documents(batch=200):
                missing = [doc for doc in batch if not doc.annotations.passages and doc.text.strip()]
                if missing:
                    embedded += embed_passages(missing)
                    with catalog.session() as session, session.begin():
                        for doc in missing:
                            row = session.get(DocumentRow, doc.id)
                            if row is None or not doc.annotations.passages:
                                continue
                            data: dict[str, Any] = dict(row.data)
                            annotations: dict[str, Any] = dict(data.get("annotations") or {})
                            annotations["passages"] = [asdict(p) for p in doc.annotations.passages]
                            data["annotations"] = annotations
                            if "passages_total" in doc.metadata:
                                data["metadata"] = {
                                    **(data.get("metadata") or {}),
                                    "passages_total": doc.metadata["passages_total"],
                                }
                            row.data = data
                            documents += 1
                done += len(batch)
                progress.update(task, completed=done)
    finally:
        catalog.close()
    console.print(
        f"{embedded} passages of {documents} documents embedded; run `faldone reindex` to index them"
    )
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "customers": cmd_customers,
    "nlp": cmd_nlp,
}
