"""Sync client bookkeeping: resumable initial sync and rows to refresh from the service.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create snapshot_progress and sync_stale_rows (both start empty)."""
    op.create_table(
        "snapshot_progress",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("after_id", sa.String(length=36), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("entity"),
    )
    op.create_table(
        "sync_stale_rows",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("entity", "id"),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("sync_stale_rows")
    op.drop_table("snapshot_progress")
