"""The `faldone` command: serve, worker, ingest, status, jobs, reindex, search."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from threading import Event

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from cli import demo_commands, legal_commands, nlp_commands
from core.catalog import Catalog
from core.logs import configure_logging
from core.settings import Settings, load_settings
from index.backend import BackendUnavailable, SearchBackend, SearchRequest, WriterBusy
from index.backends import UnknownBackend, open_backend
from index.healing import open_writer

__all__ = ["main"]

console = Console()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def _trusted_proxies(settings: Settings) -> str:
    """X-Forwarded-For only from FALDONE_TRUSTED_PROXIES (uvicorn alone believes any local client)."""
    return ",".join(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from ingest.supervisor import Supervisor

    settings.ensure_dirs()
    if settings.search_backend == "cluster":  # wait for it and fail here, once, not in each uvicorn worker
        open_backend(settings, writer=False).close()
    # uvicorn re-raises SIGTERM/SIGINT after its shutdown: with the default handlers the
    # process would die there, before stopping the worker. These handlers just return.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    worker: Supervisor | None = None
    if not args.no_worker:
        worker = Supervisor([sys.executable, "-m", "cli.main", "worker"]).start()
    console.print(f"Faldone on http://{settings.host}:{settings.port}  ·  data in {settings.data_dir}")
    console.print(f"Inbox (drop files here / metti qui i file): {settings.inbox_dir}")
    try:
        if args.workers > 1:  # several processes: each builds its app from the environment
            os.environ.setdefault("FALDONE_DATA_DIR", str(settings.data_dir))
            uvicorn.run(
                "api.asgi:app",
                factory=True,
                host=settings.host,
                port=settings.port,
                workers=args.workers,
                proxy_headers=bool(_trusted_proxies(settings)),
                forwarded_allow_ips=_trusted_proxies(settings),
            )
        else:
            uvicorn.run(
                create_app(settings),
                host=settings.host,
                port=settings.port,
                log_level="info",
                proxy_headers=bool(_trusted_proxies(settings)),
                forwarded_allow_ips=_trusted_proxies(settings),
            )
    finally:
        if worker is not None:
            console.print("stopping the worker / arresto del worker")
            worker.stop()
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.imap import ImapConfig, ImapSource
    from ingest.supervisor import dead_local_workers, watch_parent
    from ingest.worker import Worker
    from legal.retention import process_deletions

    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    stop = Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    watch_parent(stop)  # started by `faldone serve`: die with it
    try:
        healed = open_writer(settings, catalog)
    except WriterBusy as err:
        console.print(f"[red]Cannot open the index for writing: {err}[/red]")
        console.print("With the embedded backend only one worker may run at a time.")
        return 2
    except BackendUnavailable as err:
        console.print(f"[red]The search index cannot be opened or rebuilt: {err}[/red]")
        return 3
    backend = healed.backend
    released = catalog.release(dead_local_workers(catalog.running_workers()))
    if released:
        console.print(f"{released} jobs of a worker that died taken back / ripresi")
    if healed.damage:
        console.print(f"[yellow]{healed.damage}[/yellow]")
        console.print(f"[green]index rebuilt from the catalog: {healed.rebuilt} documents[/green]")
    pollers: list[Callable[[], int]] = []
    imap = ImapConfig.from_settings(settings)
    if imap is not None:
        pollers.append(ImapSource(imap, settings, catalog))
    pollers.append(lambda: process_deletions(catalog, backend))  # retention and deletions from the API
    worker = Worker(settings, catalog, backend, pollers=pollers)
    console.print(f"worker {worker.id} started · concurrency {worker.pool.size}")
    if imap is not None:
        console.print(f"polling IMAP {imap.account} folders {', '.join(imap.folders)}")
    try:
        worker.run(stop, until_empty=args.until_empty)
    finally:
        backend.close()
    return 0


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.sources import enqueue_paths, iter_files
    from ingest.worker import Worker

    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]Not found / non trovato: {', '.join(missing)}[/red]")
        return 2
    files = list(iter_files(paths))
    with _progress() as progress:
        task = progress.add_task("Archiving / archiviazione", total=len(files))
        report = enqueue_paths(paths, settings, catalog, progress=lambda _: progress.advance(task))
    console.print(f"{report.queued} queued, {report.duplicates} already known (duplicates)")
    for path, reason in report.unreadable:
        console.print(f"[yellow]unreadable: {path}: {reason}[/yellow]")
    if args.no_wait:
        return 0
    job_ids = report.job_ids
    with _progress() as progress:
        task = progress.add_task("Processing / elaborazione", total=len(job_ids))

        def update(*_: object) -> None:
            progress.update(task, completed=len(job_ids) - catalog.pending(job_ids))

        try:
            backend: SearchBackend | None = open_writer(settings, catalog).backend
        except WriterBusy:
            backend = None  # a running worker holds the index: wait for it
        if backend is not None:
            worker = Worker(settings, catalog, backend)
            try:
                worker.run(until_empty=True, on_batch=update)
            finally:
                backend.close()
        while catalog.pending(job_ids):
            update()
            time.sleep(1)
        update()
    _print_outcome(catalog, job_ids)
    return 0


def _print_outcome(catalog: Catalog, job_ids: list[int]) -> None:
    wanted = set(job_ids)
    failed = [j for j in catalog.jobs("failed", limit=100_000) if j.id in wanted]
    done = [j for j in catalog.jobs("done", limit=100_000) if j.id in wanted]
    documents = sum(j.documents for j in done)
    console.print(f"[green]{len(done)} files indexed ({documents} documents with attachments)[/green]")
    if failed:
        table = Table("file", "reason / motivo", title=f"{len(failed)} files in quarantine")
        for job in failed:
            table.add_row(job.filename, job.error)
        console.print(table)


def cmd_status(settings: Settings, _: argparse.Namespace) -> int:
    catalog = Catalog(settings.resolved_catalog_url)
    status = catalog.status()
    for key, value in status.__dict__.items():
        console.print(f"{key:>16}: {value}")
    return 0


def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    catalog = Catalog(settings.resolved_catalog_url)
    if args.action == "retry":
        count = catalog.retry(job_ids=args.ids or None, mime_prefix=args.type)
        console.print(f"{count} jobs queued again")
    elif args.action == "reprocess":
        console.print(f"{catalog.reprocess_all()} jobs queued for reprocessing")
    else:
        table = Table("id", "state", "file", "type", "docs", "error")
        for job in catalog.jobs(args.state, limit=args.limit):
            table.add_row(str(job.id), job.state, job.filename, job.mime_type, str(job.documents), job.error)
        console.print(table)
    return 0


def cmd_reindex(settings: Settings, args: argparse.Namespace) -> int:
    """Rebuild the search index of `--backend` (default: the configured one) from the catalog.

    On the cluster a fresh concrete index is filled and the alias moved to it at the
    end (searches never see a half-built index); the embedded index is cleared and
    refilled; a damaged one (unreadable files) is set aside first, no manual deletion
    needed. `--backend cluster` on an embedded installation moves it to the cluster.
    Only a *running* writer stops it (named in the message); a stale lock is taken over.
    """
    configured = settings.search_backend
    target = getattr(args, "backend", None) or configured
    settings = settings.model_copy(update={"search_backend": target})
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        with _progress() as progress:
            task = progress.add_task(
                f"Reindexing {target} / reindicizzazione", total=catalog.count_documents()
            )
            healed = open_writer(
                settings,
                catalog,
                lambda done, total: progress.update(task, completed=done, total=total),
                rebuild_always=True,
            )
    except (BackendUnavailable, UnknownBackend) as err:
        catalog.close()
        console.print(f"[red]Cannot open the {target} index for writing: {err}[/red]")
        return 2
    indexed = healed.rebuilt
    healed.backend.close()
    catalog.close()
    if healed.settings_changed:
        console.print(
            "[yellow]The index had been built with other settings and has been rebuilt / l'indice "
            f"era stato creato con altre impostazioni ed è stato ricostruito: {healed.damage}[/yellow]"
        )
    elif healed.damage:
        console.print(f"[yellow]The index was damaged and has been replaced: {healed.damage}[/yellow]")
    console.print(f"[green]{indexed} documents in the {target} index[/green]")
    if target != configured:
        console.print(f"To search it, set FALDONE_SEARCH_BACKEND={target} and restart Faldone.")
    return 0


def cmd_search(settings: Settings, args: argparse.Namespace) -> int:
    from api.semantic import planned_request  # loads the sentence encoder only when asked to

    backend = open_backend(settings, writer=False)
    request = planned_request(args.query, args.mode, SearchRequest(query=args.query, limit=args.limit))
    result = backend.search(request)
    console.print(f"{result.total} results in {result.took_ms:.1f} ms ({request.mode})")
    for hit in result.hits:
        console.print(f"[bold]{hit.fields.get('title') or hit.fields.get('filename')}[/bold]  {hit.id}")
        for highlight in hit.highlights[:1]:
            console.print(f"   p.{highlight.page}: {highlight.fragment}", markup=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="faldone", description="Faldone: the back office archive.")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API, the web pages and a worker")
    serve.add_argument("--no-worker", action="store_true", help="the API alone (workers run elsewhere)")
    serve.add_argument("--workers", type=int, default=1, help="API processes (uvicorn workers)")
    worker = sub.add_parser("worker", help="process ingest jobs")
    worker.add_argument("--until-empty", action="store_true", help="stop when the queue is empty")
    ingest = sub.add_parser("ingest", help="archive and index files and folders")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--no-wait", action="store_true", help="only queue; a running worker processes them")
    sub.add_parser("status", help="queue and index counts")
    jobs = sub.add_parser("jobs", help="list, retry or reprocess jobs")
    jobs.add_argument("action", nargs="?", choices=["list", "retry", "reprocess"], default="list")
    jobs.add_argument("ids", nargs="*", type=int)
    jobs.add_argument("--state", choices=["queued", "running", "done", "failed"])
    jobs.add_argument("--type", help="MIME type prefix, e.g. application/pdf")
    jobs.add_argument("--limit", type=int, default=50)
    reindex = sub.add_parser("reindex", help="rebuild the search index from the catalog")
    reindex.add_argument(
        "--backend", help="index to rebuild: embedded, cluster (default: the configured one)"
    )
    search = sub.add_parser("search", help="search from the terminal")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument(
        "--mode",
        choices=["auto", "keyword", "semantic", "hybrid"],
        default="auto",
        help='by meaning: semantic or hybrid (auto: hybrid for a plain sentence or ~"text")',
    )
    COMMANDS.update(legal_commands.register(sub))
    demo_commands.register(sub)
    nlp_commands.register(sub)
    return parser


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "serve": cmd_serve,
    "worker": cmd_worker,
    "ingest": cmd_ingest,
    "status": cmd_status,
    "jobs": cmd_jobs,
    "reindex": cmd_reindex,
    "search": cmd_search,
    **demo_commands.COMMANDS,
    **nlp_commands.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_format, logging.INFO if args.verbose else logging.WARNING)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return COMMANDS[args.command](settings, args)
    except BackendUnavailable as err:  # e.g. wrong cluster password: one clear line, no traceback
        console.print(f"[red]The search index cannot be opened / indice non raggiungibile: {err}[/red]")
        return 2


if __name__ == "__main__":
    sys.exit(main())
