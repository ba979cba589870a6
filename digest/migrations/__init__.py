"""Alembic migrations for the newsdigest schema (see digest.storage.migrate)."""
