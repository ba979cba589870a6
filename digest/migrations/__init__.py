"""Alembic migrations for the newsdigest schema (see digest.database.migrate)."""
