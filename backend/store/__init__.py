"""Persistence: SQLAlchemy ORM, Alembic migrations, SQLite (default) or PostgreSQL."""
