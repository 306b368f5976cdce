"""A real `faldone serve` with authentication, two groups and a user of each role.

Group *hr* sees the command line's source (``cli``: what `faldone ingest` stores),
group *office* sees uploads. Users: staff, legal (office), hruser (hr), boss (admin);
each gets an API key, so requests need no session or CSRF token.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from core.catalog import Catalog
from core.users import Collections, Users
from tests.processes import faldone_env, free_port, http_up, run, start, stop, wait_for
from tests.support import make_settings

__all__ = ["catalog_of", "ingest_as_hr", "served"]

PASSWORD = "correct horse battery staple"
USERS = (
    ("staff", "staff", ["office"]),
    ("legal", "legal", ["office"]),
    ("hruser", "staff", ["hr"]),
    ("boss", "admin", ["office", "hr"]),
)


def catalog_of(data: Path) -> Catalog:
    return Catalog(make_settings(data).resolved_catalog_url)


def ingest_as_hr(data: Path, *files: Path) -> None:
    """`faldone ingest` (no server running: the command reads the files itself), source cli."""
    done = run(["ingest", *map(str, files)], faldone_env(data, FALDONE_AUTH_DISABLED="false"), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def _keys(data: Path) -> dict[str, str]:
    catalog = catalog_of(data)
    try:
        users, collections = Users(catalog), Collections(catalog)
        collections.set("cli", ["hr"])
        collections.set("upload", ["office"])
        keys = {}
        for name, role, groups in USERS:
            users.create(name, role, groups, PASSWORD, must_change_password=False)
            info = users.get(name)
            assert info is not None
            keys[name] = users.create_api_key(info.id, "tests")[1]
        return keys
    finally:
        catalog.close()


@contextmanager
def served(tmp_path: Path, data: Path) -> Iterator[dict[str, httpx.Client]]:
    """`faldone serve` (API and its worker) on `data`; an API client per user."""
    keys = _keys(data)
    port = free_port()
    env = faldone_env(data, FALDONE_AUTH_DISABLED="false", FALDONE_PORT=str(port))
    log = tmp_path / "serve.log"
    serve = start(["serve"], env, log)
    base = f"http://127.0.0.1:{port}"
    clients = {
        name: httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=30)
        for name, key in keys.items()
    }
    try:
        wait_for(lambda: http_up(f"{base}/healthz") or serve.poll() is not None, 180, "the API")
        assert serve.poll() is None, log.read_text()
        yield clients
    finally:
        for client in clients.values():
            client.close()
        stop(serve)
