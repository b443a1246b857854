"""Alembic environment: always run on a connection handed in by ``store.migrate``."""

from __future__ import annotations

from alembic import context

from jeweltrak_desktop.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters tables by copy-and-move
    transactional_ddl=True,  # one transaction: an upgrade applies whole or not at all
)
with context.begin_transaction():
    context.run_migrations()
