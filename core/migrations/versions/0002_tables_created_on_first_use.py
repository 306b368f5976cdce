"""Tables that Faldone 0.1 created only when first used: saved searches, corrections, customers.

0.1 created these three outside Alembic, the first time their feature ran, so a
0.1 database stamped 0001 may lack any of them. They are created here when missing
(a database built by the frozen 0001 already has them, and is left as it is).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("saved_searches"):
        op.create_table(
            "saved_searches",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("query", sa.Text(), nullable=False),
            sa.Column("owner", sa.String(length=255), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_saved_searches_owner"), "saved_searches", ["owner"], unique=False)
    if _missing("corrections"):
        op.create_table(
            "corrections",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("document_id", sa.String(length=32), nullable=False),
            sa.Column("kind", sa.String(length=32), nullable=False),
            sa.Column("value", sa.JSON(), nullable=False),
            sa.Column("user", sa.String(length=255), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_corrections_document_id"), "corrections", ["document_id"], unique=False)
    if _missing("customers"):
        op.create_table(
            "customers",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("name", sa.String(length=512), nullable=False),
            sa.Column("codes", sa.JSON(), nullable=False),
            sa.Column("vat_id", sa.String(length=32), nullable=False),
            sa.Column("emails", sa.JSON(), nullable=False),
            sa.Column("aliases", sa.JSON(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        )
        op.create_index(op.f("ix_customers_vat_id"), "customers", ["vat_id"], unique=False)


def downgrade() -> None:
    """Nothing to undo: 0001 has these tables too."""
