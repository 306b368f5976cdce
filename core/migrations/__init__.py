"""Alembic migrations of the catalog (SQLite and PostgreSQL).

`migrate(engine)` brings a database to the newest schema; the catalog calls it at
start. To change the schema: edit the models, then add a revision under
``versions/`` (``alembic -c core/migrations/alembic.ini revision -m "…"``) that
upgrades an existing database; the baseline creates the tables of a new one.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

__all__ = ["alembic_config", "migrate"]

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


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
