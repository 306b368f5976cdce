"""Alembic migrations of the catalog (SQLite and PostgreSQL).

`migrate(engine)` brings a database to the newest schema; the catalog calls it at
start, and nothing else creates tables. `0001` is the frozen schema of Faldone 0.1;
every change since is a revision of its own. To change the schema: edit
`core.models`, then add a revision under ``versions/``
(``alembic -c core/migrations/alembic.ini revision --autogenerate -m "…"`` drafts it)
that upgrades an existing database. ``tests/core/test_migrations.py`` fails while
the models and the migrations disagree, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

__all__ = ["alembic_config", "migrate", "schema_lock"]

# pg_advisory_lock key of the schema set-up ("faldone" in ASCII, any fixed number would do)
_SCHEMA_LOCK_KEY = 0x66616C646F6E65

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock while the schema is set up.

    Several processes (API workers, ingest workers) start together on an empty database:
    without the lock they race to create the same tables and types, and all but one fail
    with IntegrityError. SQLite serialises writers by itself: nothing to do there.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK_KEY})
            connection.commit()


_lock = threading.Lock()
_done: set[str] = set()


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest revision (once per process and database).

    Alembic keeps its running context in module globals, so migrations in one
    process are serialised with a lock.
    """
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        if key in _done:
            return
        command.upgrade(alembic_config(engine), "head")
        _done.add(key)
