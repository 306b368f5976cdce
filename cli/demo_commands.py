"""The `faldone demo` sub-command: write the demo archive and load it.

    faldone demo                      # files in <data_dir>/demo, then ingested (source "demo")
    faldone demo --out ~/demo --no-ingest
    faldone demo --seed 7 --months 12
    faldone demo --force              # once more, though demo documents exist

`register(subparsers)` adds it to the main parser; `COMMANDS` maps the command
name to its handler `(settings, args) -> exit code`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import func, select

from cli.demo import DEMO_DOMAIN, DEMO_SOURCE, generate_demo, load_demo
from core.catalog import Catalog
from core.models import DocumentRow
from core.settings import Settings

__all__ = ["COMMANDS", "cmd_demo", "register"]

console = Console()


def register(subparsers: Any) -> None:
    """Add the `demo` sub-command to the `faldone` parser's subparsers."""
    demo = subparsers.add_parser("demo", help="load a fictional bilingual demo archive")
    demo.add_argument("--out", type=Path, help="folder for the demo files (default: <data_dir>/demo)")
    demo.add_argument("--no-ingest", action="store_true", help="only write the files")
    demo.add_argument("--force", action="store_true", help="load it again even if demo documents exist")
    demo.add_argument("--seed", type=int, default=2026, help="same seed and day, same files")
    demo.add_argument("--months", type=int, default=9, help="months of history before today")
    demo.add_argument("--today", type=date.fromisoformat, help="last day of the demo (YYYY-MM-DD)")


def _demo_documents(settings: Settings) -> int:
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        with catalog.session() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(DocumentRow).where(DocumentRow.source == DEMO_SOURCE)
                )
                or 0
            )
    finally:
        catalog.close()


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Write the demo files, then queue and process them."""
    if not args.no_ingest and not args.force and (loaded := _demo_documents(settings)):
        console.print(
            f'The demo is loaded already ({loaded} documents with source "{DEMO_SOURCE}"); '
            "--force adds another copy dated up to today."
        )
        return 0
    folder: Path = (args.out or settings.data_dir / "demo").expanduser().resolve()
    report = generate_demo(folder, today=args.today, seed=args.seed, months=max(1, args.months))
    console.print(
        f"Demo / dimostrativo: {report.emails} e-mails and {report.letters} letters in {folder} "
        f"({report.complaint_threads} complaint threads, {report.unanswered} unanswered)"
    )
    if args.no_ingest:
        return 0
    enqueued = load_demo(settings, folder)
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        failed = [j for j in catalog.jobs("failed", limit=100_000) if j.id in set(enqueued.job_ids)]
        waiting = catalog.pending(enqueued.job_ids)
    finally:
        catalog.close()
    console.print(
        f"[green]{len(enqueued.job_ids) - len(failed) - waiting} files indexed with source "
        f'"{DEMO_SOURCE}"[/green]' + (f", {len(failed)} in quarantine" if failed else "")
    )
    if waiting:
        console.print(f"[yellow]{waiting} files still queued: the running worker will finish them.[/yellow]")
    if not settings.company_domains:
        console.print(
            f"Response times: the dashboard uses the demo company's domain {DEMO_DOMAIN}; "
            f"for your own archive set FALDONE_COMPANY_DOMAINS."
        )
    console.print(f"Open the dashboard: http://{settings.host}:{settings.port}/dashboard.html")
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {"demo": cmd_demo}
