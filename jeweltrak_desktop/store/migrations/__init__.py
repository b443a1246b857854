"""Alembic migrations of the local database."""
