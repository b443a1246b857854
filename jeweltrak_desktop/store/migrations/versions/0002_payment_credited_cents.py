"""Payments remember the part of an overpayment that became store credit.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add payments.credited_cents (0 for every existing payment)."""
    with op.batch_alter_table("payments") as batch_op:
        batch_op.add_column(
            sa.Column("credited_cents", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("payments") as batch_op:
        batch_op.drop_column("credited_cents")
