"""Alembic environment: runs migrations on the catalog's own engine."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from core.models import Base

config = context.config
engine: Engine = config.attributes.get("engine") or create_engine(
    config.get_main_option("sqlalchemy.url") or "sqlite:///data/catalog.sqlite3"
)

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
