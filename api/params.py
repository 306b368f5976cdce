"""Request parameters shared by several routes, bounded to what the catalog can store."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

__all__ = ["MAX_ROW_ID", "RowId", "RowOffset"]

MAX_ROW_ID = 2**63 - 1  # a 64-bit signed integer: SQLite's and PostgreSQL's BIGINT

# The id of a catalog row in a path (a larger number is a 422, never a database overflow).
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
RowOffset = Annotated[int, Query(ge=0, le=MAX_ROW_ID)]
