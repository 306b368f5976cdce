"""Bytes a source holds as its own document (`document_sources`).

Before 0003, bytes already archived for one source were answered as a duplicate of
that source's document, whoever uploaded them: a user of another group learnt that
the bytes existed (and the job's id). Now the uploader's source gets a document of
its own; this table records which id it has.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256", "source", name="uq_document_sources_sha256_source"),
    )
    op.create_index(
        op.f("ix_document_sources_document_id"), "document_sources", ["document_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_sources_document_id"), table_name="document_sources")
    op.drop_table("document_sources")
