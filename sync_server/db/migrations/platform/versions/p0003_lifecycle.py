"""platform schema: the date a cancelled tenant's data is deleted (P14)

``tenants.status`` and ``tenants.cancelled_at`` exist since p0001. Cancelling now also
fixes ``delete_after`` (``cancelled_at`` + 30 days): the date the owner is told, which later
changes to the code cannot move. ``python -m sync_server prune`` deletes tenants past it;
the partial index keeps that lookup cheap however many tenants are active.

Revision ID: p0003
Revises: p0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "p0003"
down_revision = "p0002"
branch_labels = None
depends_on = None

S = "platform"


def upgrade() -> None:
    op.add_column(
        "tenants", sa.Column("delete_after", sa.DateTime(timezone=True), nullable=True), schema=S
    )
    # A tenant cancelled before this revision keeps its promised 30 days from cancellation.
    op.execute(
        f"UPDATE {S}.tenants SET delete_after = cancelled_at + interval '30 days' "
        "WHERE status = 'cancelled' AND cancelled_at IS NOT NULL"
    )
    op.create_index(
        "ix_tenants_delete_after",
        "tenants",
        ["delete_after"],
        schema=S,
        postgresql_where=sa.text("status = 'cancelled'"),
    )


def downgrade() -> None:
    op.drop_index("ix_tenants_delete_after", table_name="tenants", schema=S)
    op.drop_column("tenants", "delete_after", schema=S)
