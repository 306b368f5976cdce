"""`faldone users|audit|retention|holds`: administration and legal commands.

`register(subparsers)` adds the commands and returns them by name, for the main
command table (`cli/main.py`). Whoever runs these commands has the machine and the
catalog in hand, so they act as an admin named ``cli:<login>``, and are audited.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from core.archive import Archive
from core.audit import AuditLog
from core.catalog import Catalog
from core.settings import Settings
from core.users import ROLES, Collections, UserError, Users
from index.backend import BackendUnavailable, SearchBackend
from index.backends import open_backend
from legal.holds import HoldError, Holds
from legal.retention import Retention, RetentionError, pending_deletions, process_deletions

__all__ = ["register"]

Command = Callable[[Settings, argparse.Namespace], int]
console = Console()


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli"


_opened: list[Catalog] = []


def _catalog(settings: Settings) -> Catalog:
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    _opened.append(catalog)
    return catalog


def _closing(command: Command) -> Command:
    """Close the catalogs a command opened (its database connections), however it ends."""

    @functools.wraps(command)
    def run(settings: Settings, args: argparse.Namespace) -> int:
        try:
            return command(settings, args)
        finally:
            while _opened:
                _opened.pop().close()

    return run


def _reader(settings: Settings) -> SearchBackend:
    backend = open_backend(settings, writer=False)
    backend.refresh()
    return backend


def _groups(raw: str | None) -> list[str] | None:
    return None if raw is None else [g for g in raw.split(",") if g.strip()]


# -- users ------------------------------------------------------------------------------


@_closing
def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    catalog = _catalog(settings)
    users, audit, actor = Users(catalog), AuditLog(catalog), _actor()
    try:
        if args.action == "list":
            table = Table("user", "role", "groups", "active", "must change password")
            for u in users.all():
                table.add_row(
                    u.username, u.role, ",".join(u.groups), str(u.active), str(u.must_change_password)
                )
            console.print(table)
        elif args.action == "add":
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
            password = users.create(args.name, args.role, _groups(args.groups) or [], password)
            audit.record(actor, "admin", "admin.user_created", target=args.name, detail={"role": args.role})
            if not args.password_stdin:
                console.print(f"one-time password for {args.name} (shown once): [bold]{password}[/bold]")
        elif args.action == "set":
            active = None if args.active is None else args.active == "yes"
            users.update(args.name, role=args.role, groups=_groups(args.groups), active=active)
            audit.record(actor, "admin", "admin.user_changed", target=args.name)
        elif args.action == "passwd":
            import secrets

            password = secrets.token_urlsafe(15)
            users.set_password(args.name, password, must_change=True)
            audit.record(actor, "admin", "admin.password_reset", target=args.name)
            console.print(f"one-time password for {args.name} (shown once): [bold]{password}[/bold]")
        elif args.action == "delete":
            if not users.delete(args.name):
                raise UserError(f"no user {args.name!r}")
            audit.record(actor, "admin", "admin.user_deleted", target=args.name)
        elif args.action == "collections":
            table = Table("source pattern", "groups", "description")
            for c in Collections(catalog).all():
                table.add_row(c["pattern"], ",".join(c["groups"]), c["description"])
            console.print(table)
        elif args.action == "collection":
            Collections(catalog).set(args.name, _groups(args.groups) or [], args.description or "")
            audit.record(
                actor, "admin", "admin.collection_set", target=args.name, detail={"groups": args.groups}
            )
    except UserError as err:
        console.print(f"[red]{err}[/red]")
        return 2
    return 0


# -- audit ------------------------------------------------------------------------------


@_closing
def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    log = AuditLog(_catalog(settings))
    if args.action == "verify":
        result = log.verify()
        if result.ok:
            console.print(
                f"[green]audit log intact[/green]: {result.checked} entries, head {result.head_hash}"
            )
            return 0
        console.print(
            f"[red]audit log TAMPERED[/red]: first bad entry {result.first_bad_id} ({result.problem}); "
            f"{result.checked} entries before it are intact"
        )
        return 1
    with Path(args.output or "/dev/stdout").open("w", encoding="utf-8", newline="") as out:
        if args.format == "csv":
            for chunk in log.iter_csv():
                out.write(chunk)
        else:
            for entry in log.iter_all():
                out.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
    return 0


# -- retention --------------------------------------------------------------------------


@_closing
def cmd_retention(settings: Settings, args: argparse.Namespace) -> int:
    catalog = _catalog(settings)
    backend = _reader(settings)
    try:
        retention = Retention(catalog, Archive(settings.archive_dir), Holds(catalog, backend))
        audit, actor = AuditLog(catalog), _actor()
        if args.action == "policies":
            table = Table("name", "category", "source", "keep", "from")
            for p in retention.policies():
                keep = f"{p['years']}y {p['months']}m {p['days']}d"
                table.add_row(p["name"], p["category"] or "*", p["source_pattern"] or "*", keep, p["basis"])
            console.print(table)
            return 0
        if args.action == "set":
            retention.set_policy(
                args.name,
                category=args.category or "",
                source_pattern=args.source or "",
                years=args.years,
                months=args.months,
                days=args.days,
                basis=args.basis,
                created_by=actor,
            )
            audit.record(
                actor,
                "admin",
                "retention.policy_set",
                target=args.name,
                detail={
                    "category": args.category,
                    "source": args.source,
                    "years": args.years,
                    "months": args.months,
                    "days": args.days,
                    "basis": args.basis,
                },
            )
            return 0
        if args.action == "delete":
            if not retention.delete_policy(args.name):
                console.print(f"[red]no policy {args.name!r}[/red]")
                return 2
            audit.record(actor, "admin", "retention.policy_deleted", target=args.name)
            return 0
        report = retention.run(None, apply=args.apply, actor=actor, role="admin", audit=audit)
        if args.apply and not flush_deletions(settings, catalog):
            console.print("the worker holds the index: it removes the deleted documents shortly")
        _print_report(report.to_dict(), args.json)
    except RetentionError as err:
        console.print(f"[red]{err}[/red]")
        return 2
    finally:
        backend.close()
    return 0


def flush_deletions(settings: Settings, catalog: Catalog) -> bool:
    """Apply queued deletions now when no worker holds the index writer; False if one does."""
    if not pending_deletions(catalog):
        return True
    try:
        backend = open_backend(settings, writer=True)
    except BackendUnavailable:
        return False
    try:
        process_deletions(catalog, backend)
    finally:
        backend.close()
    return True


def _print_report(report: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return
    expired = report["expired"]
    held = report["held"]
    assert isinstance(expired, list) and isinstance(held, list)
    verb = "deleted" if report["applied"] else "would delete (dry run; --apply deletes)"
    table = Table("document", "file", "policy", "expired on", title=f"{len(expired)} families {verb}")
    for item in expired:
        table.add_row(item["root_id"], item["filename"], item["policy"], item["expires"][:10])
    console.print(table)
    if held:
        kept = Table("document", "file", "held by", title=f"{len(held)} expired but under legal hold: kept")
        for item in held:
            kept.add_row(item["root_id"], item["filename"], ", ".join(item["held_by"]))
        console.print(kept)
    console.print(f"{report['examined']} documents examined")


# -- holds ------------------------------------------------------------------------------


@_closing
def cmd_holds(settings: Settings, args: argparse.Namespace) -> int:
    catalog = _catalog(settings)
    backend = _reader(settings)
    holds, audit, actor = Holds(catalog, backend), AuditLog(catalog), _actor()
    try:
        if args.action == "list":
            table = Table("id", "matter", "custodian", "query", "documents", "state")
            for m in holds.matters():
                state = "active" if m.active else f"released {m.released_at:%Y-%m-%d} by {m.released_by}"
                table.add_row(str(m.id), m.name, m.custodian, m.query, str(m.documents), state)
            console.print(table)
        elif args.action == "create":
            matter = holds.create(
                args.name,
                created_by=actor,
                description=args.description or "",
                custodian=args.custodian or "",
                query=args.query or "",
                document_ids=args.doc or [],
            )
            audit.record(actor, "admin", "hold.created", target=str(matter.id), detail=matter.to_dict())
            console.print(f"matter {matter.id} holds {matter.documents} documents")
        elif args.action == "show":
            found = holds.get(int(args.name))
            if found is None:
                raise HoldError(f"no matter {args.name}")
            console.print_json(json.dumps(found.to_dict() | {"document_ids": holds.document_ids(found.id)}))
        elif args.action == "release":
            matter = holds.release(int(args.name), released_by=actor, reason=args.reason or "")
            audit.record(
                actor, "admin", "hold.released", target=str(matter.id), detail={"reason": args.reason}
            )
            console.print(f"matter {matter.id} released")
    except (HoldError, ValueError) as err:
        console.print(f"[red]{err}[/red]")
        return 2
    finally:
        backend.close()
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> dict[str, Command]:
    """Add the commands to `faldone`'s sub-parsers; returns them by name."""
    users = sub.add_parser("users", help="users, roles, groups and collections")
    users.add_argument(
        "action", choices=["list", "add", "set", "passwd", "delete", "collections", "collection"]
    )
    users.add_argument("name", nargs="?", default="", help="user name (or source pattern for 'collection')")
    users.add_argument("--role", choices=ROLES)
    users.add_argument("--groups", help="comma-separated groups")
    users.add_argument("--active", choices=["yes", "no"])
    users.add_argument("--description")
    users.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    audit = sub.add_parser("audit", help="verify or export the audit log")
    audit.add_argument("action", choices=["verify", "export"])
    audit.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    audit.add_argument("--output", help="file to write (default: standard output)")

    retention = sub.add_parser("retention", help="retention policies and runs (dry run unless --apply)")
    retention.add_argument("action", choices=["run", "policies", "set", "delete"])
    retention.add_argument("name", nargs="?", default="")
    retention.add_argument("--apply", action="store_true", help="really delete (default: report only)")
    retention.add_argument("--json", action="store_true")
    retention.add_argument("--category")
    retention.add_argument("--source", help="glob on the document source")
    retention.add_argument("--years", type=int, default=0)
    retention.add_argument("--months", type=int, default=0)
    retention.add_argument("--days", type=int, default=0)
    retention.add_argument("--basis", choices=["date", "ingested_at"], default="date")

    holds = sub.add_parser("holds", help="legal holds (matters)")
    holds.add_argument("action", choices=["list", "create", "show", "release"])
    holds.add_argument("name", nargs="?", default="", help="matter name (create) or id (show, release)")
    holds.add_argument("--query")
    holds.add_argument("--doc", action="append", help="document id (repeatable)")
    holds.add_argument("--description")
    holds.add_argument("--custodian")
    holds.add_argument("--reason")
    return {"users": cmd_users, "audit": cmd_audit, "retention": cmd_retention, "holds": cmd_holds}
