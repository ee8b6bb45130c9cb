"""Alembic migrations for the site's database."""
