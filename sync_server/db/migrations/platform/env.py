"""Alembic environment: always run programmatically with a connection in ``attributes``.

The caller (``sync_server.db.migrate``) has already opened the transaction, set the role
and ``search_path``; this file only hands the connection to Alembic.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    version_table_schema=context.config.attributes.get("version_table_schema"),
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
